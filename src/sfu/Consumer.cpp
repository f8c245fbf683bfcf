#include "sfu/Consumer.hpp"

#include <algorithm>
#include <cstring>

#include "rtp/codecs/H264.hpp"
#include "rtp/codecs/Vp8.hpp"

namespace jb::sfu {

namespace {
constexpr size_t kBufferCapacity = 1500 + 256;  // MTU-sized packet plus SRTP trailer headroom
}

Consumer::Consumer(std::string id, std::string peerId, std::string producerId, MediaKind kind,
                   ConsumerParameters parameters, bool producerPaused, PacketSink& sink, Listener& listener)
    : id_(std::move(id)),
      peerId_(std::move(peerId)),
      producerId_(std::move(producerId)),
      kind_(kind),
      parameters_(std::move(parameters)),
      sink_(sink),
      listener_(listener),
      rewriter_(parameters_.clockRate),
      producerPaused_(producerPaused),
      buffer_(kBufferCapacity) {}

void Consumer::pause() {
  paused_ = true;
}

void Consumer::resume() {
  if (!paused_) return;
  paused_ = false;
  rewriter_.markSequenceGap();
  if (kind_ == MediaKind::Video) {
    waitingForKeyframe_ = true;
    listener_.onConsumerKeyframeRequest(*this);
  }
}

void Consumer::setProducerPaused(bool paused) {
  if (producerPaused_ == paused) return;
  producerPaused_ = paused;
  if (!paused) {
    rewriter_.markSequenceGap();
    if (kind_ == MediaKind::Video) {
      waitingForKeyframe_ = true;
      listener_.onConsumerKeyframeRequest(*this);
    }
  }
}

bool Consumer::isKeyframe(const rtp::RtpPacket& packet) const {
  const std::string& mime = parameters_.rtpParameters.codecs.front().mimeType;
  if (mimeTypeEquals(mime, "video/VP8")) return rtp::codecs::vp8IsKeyframe(packet.payload());
  if (mimeTypeEquals(mime, "video/H264")) return rtp::codecs::h264IsKeyframe(packet.payload());
  return true;  // unknown codec: cannot tell, so do not hold the stream back
}

void Consumer::sendRtp(const rtp::RtpPacket& in) {
  if (!active()) return;
  if (waitingForKeyframe_) {
    if (!isKeyframe(in)) {
      // Keep asking while we wait: an earlier request may have been answered before we were resumed,
      // or throttled by the producer. The producer rate-limits, so this costs at most one PLI per window.
      listener_.onConsumerKeyframeRequest(*this);
      return;
    }
    waitingForKeyframe_ = false;
  }
  auto src = in.data();
  if (src.size() > buffer_.size() - 200) return;  // larger than any MTU: cannot be a valid forwarded packet

  auto rewritten = rewriter_.rewrite(in.sequenceNumber(), in.timestamp(), RtpStreamRewriter::Clock::now());
  if (!rewritten) return;

  std::memcpy(buffer_.data(), src.data(), src.size());
  auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(buffer_.data(), src.size()));
  if (!packet) return;
  packet->setSsrc(parameters_.ssrc);
  packet->setPayloadType(parameters_.payloadType);
  packet->setSequenceNumber(rewritten->sequenceNumber);
  packet->setTimestamp(rewritten->timestamp);
  packet->remapExtensionIds(parameters_.extensionIdMap);

  ++packetsSent_;
  bytesSent_ += src.size();
  sink_.sendRtp(buffer_.data(), src.size(), buffer_.size());
}

void Consumer::sendSenderReport(const rtp::rtcp::SenderReport& producerReport) {
  if (!rewriter_.started()) return;
  // RFC 3550 §6.4.1: the NTP/RTP pair lets the receiver sync audio with video; our RTP clock is the
  // producer's shifted by the rewriter's offset, and the counts are our own.
  rtp::rtcp::SenderReport sr{};
  sr.ssrc = parameters_.ssrc;
  sr.ntpSeconds = producerReport.ntpSeconds;
  sr.ntpFraction = producerReport.ntpFraction;
  sr.rtpTimestamp = producerReport.rtpTimestamp + rewriter_.timestampOffset();
  sr.packetCount = static_cast<uint32_t>(packetsSent_);
  sr.octetCount = static_cast<uint32_t>(bytesSent_);
  std::vector<uint8_t> out;
  rtp::rtcp::serialize(sr, out);
  sink_.sendRtcp(out);
}

void Consumer::receiveKeyframeRequest() {
  if (kind_ == MediaKind::Video && active()) listener_.onConsumerKeyframeRequest(*this);
}

void Consumer::restartFromKeyframe() {
  if (kind_ != MediaKind::Video || !active()) return;
  waitingForKeyframe_ = true;
  listener_.onConsumerKeyframeRequest(*this);
}

}  // namespace jb::sfu
