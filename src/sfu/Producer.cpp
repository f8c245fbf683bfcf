#include "sfu/Producer.hpp"

#include "common/RequestError.hpp"
#include "rtp/Rtx.hpp"
#include "sfu/ConsumerParameters.hpp"

namespace jb::sfu {

namespace {
constexpr auto kMinKeyframeRequestInterval = std::chrono::milliseconds(300);
// At most one NACK packet per interval: a burst of loss is reported in one packet, not one per
// arriving packet (RFC 4585 §3.4 asks feedback to stay within the RTCP bandwidth share).
constexpr auto kMinNackInterval = std::chrono::milliseconds(10);
// Our SSRC in RTCP we originate; we send no media on a producing transport.
constexpr uint32_t kFeedbackSenderSsrc = 0x00000001u;

// The sender's RTX payload type for `mediaPayloadType` (RFC 4588 §8.6: apt names the original), or 0.
uint8_t rtxPayloadTypeFor(const RtpParameters& parameters, uint8_t mediaPayloadType) {
  for (const RtpCodec& c : parameters.codecs) {
    if (!mimeTypeEquals(c.mimeType, "video/rtx")) continue;
    auto apt = c.parameters.find("apt");
    if (apt == c.parameters.end()) continue;
    // mediasoup-client sends apt as a number; accept a numeric string too.
    if ((apt->is_number_integer() && apt->get<int64_t>() == mediaPayloadType) ||
        (apt->is_string() && apt->get<std::string>() == std::to_string(mediaPayloadType)))
      return c.payloadType;
  }
  return 0;
}
}  // namespace

Producer::Producer(std::string id, std::string peerId, MediaKind kind, RtpParameters rtpParameters,
                   std::string source, PacketSink& sink, Listener& listener, WorkerCounters* counters)
    : id_(std::move(id)),
      peerId_(std::move(peerId)),
      kind_(kind),
      rtpParameters_(std::move(rtpParameters)),
      source_(std::move(source)),
      sink_(sink),
      listener_(listener),
      counters_(counters),
      reception_(primaryMediaCodec(rtpParameters_).clockRate) {
  if (rtpParameters_.encodings.empty() || !rtpParameters_.encodings[0].ssrc)
    throw common::RequestError("unsupported", "rtpParameters.encodings[0].ssrc is required");
  mediaSsrc_ = *rtpParameters_.encodings[0].ssrc;
  mediaPayloadType_ = primaryMediaCodec(rtpParameters_).payloadType;
  if (kind_ == MediaKind::Video) {
    retransmissionBuffer_ = std::make_unique<RetransmissionBuffer>();
    nackGenerator_ = std::make_unique<NackGenerator>();
    rtxPayloadType_ = rtxPayloadTypeFor(rtpParameters_, mediaPayloadType_);
    const auto& rtx = rtpParameters_.encodings[0].rtxSsrc;
    if (rtxPayloadType_ != 0 && rtx && *rtx != mediaSsrc_) rtxSsrc_ = rtx;
  }
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
  receiveMedia(packet, false);
}

std::optional<DropReason> Producer::receiveRtx(rtp::RtpPacket& packet) {
  ++packetsReceived_;
  bytesReceived_ += packet.data().size();
  if (!rtxSsrc_ || packet.payloadType() != rtxPayloadType_) return DropReason::BadRtx;
  // Chrome probes bandwidth with padding-only packets on the RTX stream.
  if (packet.payload().empty()) return DropReason::RtxPadding;
  auto original = rtp::unwrapRtx(packet);
  if (!original) return DropReason::BadRtx;
  original->setSsrc(mediaSsrc_);
  original->setPayloadType(mediaPayloadType_);
  // Not fed to ReceptionStats: RFC 3550 reception counts describe the media stream as the network
  // delivered it, and a late copy would distort jitter.
  receiveMedia(*original, true);
  return std::nullopt;
}

void Producer::receiveMedia(const rtp::RtpPacket& packet, bool retransmission) {
  const auto now = std::chrono::steady_clock::now();
  if (retransmissionBuffer_) {
    // A retransmission we already hold (it answered a NACK twice, or the original was only late)
    // would reach receivers as a duplicate; drop it quietly.
    if (!retransmissionBuffer_->insert(packet, now) && retransmission) return;
  }
  if (nackGenerator_) {
    auto arrival = nackGenerator_->received(packet.sequenceNumber(), now);
    if (retransmission && arrival.recovered && counters_) bump(counters_->retransmissionsReceived);
    if (arrival.keyframeNeeded) requestKeyframe();
    sendDueNacks(now);
  }
  // A paused producer's packets are dropped here, once, rather than by every consumer.
  if (paused_) return;
  listener_.onProducerRtp(*this, packet);
}

void Producer::sendDueNacks(std::chrono::steady_clock::time_point now) {
  if (!nackGenerator_ || now < nackGenerator_->nextDue() || now - lastNackSent_ < kMinNackInterval) return;
  auto due = nackGenerator_->due(now);
  if (due.gaveUp > 0 && counters_) bump(counters_->nackGiveUps, due.gaveUp);
  if (due.sequenceNumbers.empty()) return;
  lastNackSent_ = now;
  std::vector<uint8_t> out;
  rtp::rtcp::serialize(rtp::rtcp::Nack{kFeedbackSenderSsrc, mediaSsrc_, std::move(due.sequenceNumbers)}, out);
  sink_.sendRtcp(out);
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
  rtp::rtcp::serialize(rtp::rtcp::Pli{kFeedbackSenderSsrc, mediaSsrc_}, out);
  sink_.sendRtcp(out);
}

}  // namespace jb::sfu
