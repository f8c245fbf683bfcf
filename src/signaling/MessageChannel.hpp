#pragma once

#include <string>

namespace jb::signaling {

// The socket a PeerSession talks through (a WebSocket in production, a recorder in tests).
class MessageChannel {
 public:
  virtual ~MessageChannel() = default;
  virtual void send(std::string text) = 0;
  virtual void close() = 0;
};

}  // namespace jb::signaling
