#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "rtp/RtpPacket.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/TransportFeedbackRecorder.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

// Transport-wide congestion control feedback for one receiving WebRtcTransport: reads the
// transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2) from every
// RTP packet the browser sends, and sends Transport-wide Feedback (§3.1) back every kInterval, or
// sooner when kPendingLimit packets wait. With it Chrome runs its send-side bandwidth estimator
// (delay-based, GCC) instead of staying near the start bitrate.
class TransportFeedbackSender {
 public:
  using Clock = std::chrono::steady_clock;
  // libwebrtc's receivers send every 50–250 ms depending on the rate; 50 ms keeps the estimator
  // responsive, and a feedback packet is small (about 60 bytes at 1 Mbit/s of video).
  static constexpr Clock::duration kInterval = std::chrono::milliseconds(50);
  static constexpr size_t kPendingLimit = 100;

  TransportFeedbackSender(boost::asio::io_context& io, PacketSink& sink, WorkerCounters& counters);
  ~TransportFeedbackSender();
  TransportFeedbackSender(const TransportFeedbackSender&) = delete;
  TransportFeedbackSender& operator=(const TransportFeedbackSender&) = delete;

  // The id a producer on this transport negotiated for the transport-wide-cc extension (0: none,
  // ignored). BUNDLE makes one id per URI for the whole transport (RFC 8843 §9.1).
  void setExtensionId(uint8_t id) {
    if (id != 0) extensionId_ = id;
  }
  // A packet that arrived `now`. Without the element it is ignored; an element that is not exactly
  // 2 bytes is ignored and counted.
  void received(const rtp::RtpPacket& packet, Clock::time_point now);
  // Sends whatever is pending now (the timer does this; tests may too).
  void flush();

  const TransportFeedbackRecorder& recorder() const { return recorder_; }

 private:
  void arm();

  PacketSink& sink_;
  WorkerCounters& counters_;
  boost::asio::steady_timer timer_;
  bool armed_ = false;
  uint8_t extensionId_ = 0;
  TransportFeedbackRecorder recorder_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jb::sfu
