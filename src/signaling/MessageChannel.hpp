#pragma once

#include <cstdint>
#include <string>

namespace jb::signaling {

// WebSocket close codes the server sends (docs/protocol.md "Closing").
enum class CloseCode : uint16_t {
  Normal = 1000,
  PolicyViolation = 1008,  // RFC 6455 §7.4.1: e.g. too many bad requests
  MediaTimeout = 4001,     // the browser stopped answering ICE consent checks (RFC 7675)
  Replaced = 4002,         // another socket resumed this peer (docs/protocol.md "Reconnect")
};

// The socket a PeerSession talks through (a WebSocket in production, a recorder in tests).
class MessageChannel {
 public:
  virtual ~MessageChannel() = default;
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
  // Closes with a code and a reason the client can show or act on. Channels without codes just close.
  virtual void closeWith(CloseCode code, const std::string& reason) {
    (void)code;
    (void)reason;
    close();
  }
};

}  // namespace jb::signaling
