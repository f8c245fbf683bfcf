#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "ice/TransportTuple.hpp"
#include "net/Rfc4571Framer.hpp"
#include "sfu/IceTcpCounters.hpp"

namespace jb::sfu {

// What one ICE-TCP connection may cost the worker.
struct IceTcpLimits {
  // RFC 4571 allows 65535, but what ICE carries (STUN, DTLS records, SRTP) stays near the path MTU:
  // a longer frame is a broken or hostile peer, and refusing it early bounds what we buffer.
  size_t maxFrameSize = 8192;
  // Frames waiting for a slow reader. Past this, new packets are dropped (and counted), as a full UDP
  // socket buffer would: media must not wait, and the worker must never block on one browser.
  size_t maxSendQueueBytes = 512 * 1024;
  // A connection must carry a Binding request with valid MESSAGE-INTEGRITY by then (RFC 6544 §7.2:
  // the browser sends its check right after connecting), or it is closed.
  std::chrono::steady_clock::duration authTimeout = std::chrono::seconds(5);
};

// One accepted ICE-TCP connection (RFC 6544, passive side): reads RFC 4571 frames and hands each to
// its listener; writes frames without ever blocking. Lives on the worker thread. Pending I/O holds a
// shared_ptr, so the owner may drop its reference from inside a callback.
class IceTcpConnection : public std::enable_shared_from_this<IceTcpConnection> {
 public:
  class Listener {
   public:
    // One frame's payload; valid only during the call.
    virtual void onIceTcpFrame(IceTcpConnection& connection, std::span<const uint8_t> frame) = 0;
    // Called once, whoever closed it (never from inside send()).
    virtual void onIceTcpClosed(IceTcpConnection& connection, IceTcpCloseReason reason) = 0;

   protected:
    ~Listener() = default;
  };
  enum class SendResult { Sent, Queued, QueueFull, Closed };

  IceTcpConnection(uint64_t id, boost::asio::ip::tcp::socket socket, const IceTcpLimits& limits,
                   Listener& listener, IceTcpCounters& counters);
  IceTcpConnection(const IceTcpConnection&) = delete;
  IceTcpConnection& operator=(const IceTcpConnection&) = delete;

  // Starts reading and the authentication deadline.
  void start();
  // Sends one packet as one frame: written at once when nothing is queued, else queued (bounded).
  SendResult send(std::span<const uint8_t> packet);
  // An authenticated ICE check arrived: the authentication deadline no longer applies.
  void markAuthenticated();
  // Closes the socket and reports `reason` to the listener, once.
  void close(IceTcpCloseReason reason);

  uint64_t id() const { return tuple_.connectionId; }
  const ice::TransportTuple& tuple() const { return tuple_; }
  bool closed() const { return closed_; }
  bool authenticated() const { return authenticated_; }
  size_t queuedBytes() const { return queuedBytes_; }

 private:
  static constexpr size_t kReadChunk = 16 * 1024;
  static constexpr size_t kMaxFramesPerWrite = 64;

  void readSome();
  void onRead(size_t length);
  void writeQueued();
  void closeLater(IceTcpCloseReason reason);

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer authTimer_;
  ice::TransportTuple tuple_;
  IceTcpLimits limits_;
  Listener& listener_;
  IceTcpCounters& counters_;
  net::Rfc4571Framer framer_;
  std::array<uint8_t, kReadChunk> readBuffer_{};
  std::deque<std::vector<uint8_t>> sendQueue_;  // whole frames (the first may be a partial remainder)
  size_t queuedBytes_ = 0;
  size_t framesInFlight_ = 0;  // how many of sendQueue_'s first frames the running async_write holds
  bool authenticated_ = false;
  bool closed_ = false;
};

}  // namespace jb::sfu
