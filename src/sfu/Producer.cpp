#include "sfu/Producer.hpp"

#include "common/RequestError.hpp"
#include "sfu/ConsumerParameters.hpp"

namespace jb::sfu {

namespace {
constexpr auto kMinKeyframeRequestInterval = std::chrono::milliseconds(300);
}

Producer::Producer(std::string id, std::string peerId, MediaKind kind, RtpParameters rtpParameters,
                   std::string source, PacketSink& sink, Listener& listener)
    : id_(std::move(id)),
      peerId_(std::move(peerId)),
      kind_(kind),
      rtpParameters_(std::move(rtpParameters)),
      source_(std::move(source)),
      sink_(sink),
      listener_(listener),
      reception_(primaryMediaCodec(rtpParameters_).clockRate) {
  if (rtpParameters_.encodings.empty() || !rtpParameters_.encodings[0].ssrc)
    throw common::RequestError("unsupported", "rtpParameters.encodings[0].ssrc is required");
  mediaSsrc_ = *rtpParameters_.encodings[0].ssrc;
  mediaPayloadType_ = primaryMediaCodec(rtpParameters_).payloadType;
}

bool Producer::ownsSsrc(uint32_t ssrc) const {
  return ssrc == mediaSsrc_;
}

void Producer::receiveRtp(const rtp::RtpPacket& packet) {
  ++packetsReceived_;
  bytesReceived_ += packet.data().size();
  // Other payload types (RTX, RED, FEC) are not forwarded until they are negotiated with consumers.
  if (packet.payloadType() != mediaPayloadType_) return;
  reception_.packetReceived(packet.sequenceNumber(), packet.timestamp(), ReceptionStats::Clock::now());
  // A paused producer's packets are dropped here, once, rather than by every consumer.
  if (paused_) return;
  listener_.onProducerRtp(*this, packet);
}

void Producer::receiveSenderReport(const rtp::rtcp::SenderReport& report) {
  reception_.senderReportReceived(report.ntpSeconds, report.ntpFraction, ReceptionStats::Clock::now());
  listener_.onProducerSenderReport(*this, report);
}

void Producer::requestKeyframe() {
  if (kind_ != MediaKind::Video) return;
  auto now = std::chrono::steady_clock::now();
  if (now - lastKeyframeRequest_ < kMinKeyframeRequestInterval) return;
  lastKeyframeRequest_ = now;
  std::vector<uint8_t> out;
  rtp::rtcp::serialize(rtp::rtcp::Pli{0x00000001u, mediaSsrc_}, out);
  sink_.sendRtcp(out);
}

}  // namespace jb::sfu
