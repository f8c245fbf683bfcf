#include "sfu/TransportFeedbackSender.hpp"

#include "rtp/ByteOrder.hpp"

namespace jb::sfu {

namespace {
// Our SSRC in RTCP we originate (as in Receiver Reports and NACKs): we send no media on this transport.
constexpr uint32_t kFeedbackSenderSsrc = 0x00000001u;
}  // namespace

TransportFeedbackSender::TransportFeedbackSender(boost::asio::io_context& io, PacketSink& sink,
                                                 WorkerCounters& counters)
    : sink_(sink), counters_(counters), timer_(io) {}

TransportFeedbackSender::~TransportFeedbackSender() {
  *alive_ = false;
  timer_.cancel();
}

void TransportFeedbackSender::received(const rtp::RtpPacket& packet, Clock::time_point now) {
  if (extensionId_ == 0) return;
  auto element = packet.extension(extensionId_);
  if (!element) return;
  // §2: the element is exactly the 16-bit transport-wide sequence number.
  if (element->size() != 2) {
    bump(counters_.badTransportWideCcExtensions);
    return;
  }
  recorder_.received(rtp::readU16(*element, 0), packet.ssrc(), now);
  if (recorder_.pending() >= kPendingLimit)
    flush();
  else
    arm();
}

void TransportFeedbackSender::flush() {
  std::vector<uint8_t> out;
  for (const auto& feedback : recorder_.buildFeedback(kFeedbackSenderSsrc)) {
    out.clear();
    rtp::rtcp::serialize(feedback, out);
    sink_.sendRtcp(out);
    bump(counters_.transportFeedbackSent);
  }
}

void TransportFeedbackSender::arm() {
  if (armed_) return;
  armed_ = true;
  timer_.expires_after(kInterval);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    auto guard = alive.lock();
    if (ec || !guard || !*guard) return;
    armed_ = false;
    flush();
  });
}

}  // namespace jb::sfu
