#include "sfu/Consumer.hpp"

#include <algorithm>
#include <cstring>

#include "common/Random.hpp"
#include "rtp/ByteOrder.hpp"
#include "rtp/Rtx.hpp"
#include "rtp/codecs/H264.hpp"
#include "rtp/codecs/Vp8.hpp"
#include "sfu/AbsSendTime.hpp"

namespace jb::sfu {

namespace {
constexpr size_t kBufferCapacity = 1500 + 256;  // MTU-sized packet plus SRTP trailer headroom
// Sequence numbers looked at per NACK packet. Chrome asks for a few dozen at most; a NACK listing more
// is a storm, and the rest are counted as rate-limited without being looked up.
constexpr size_t kMaxSequencesPerNack = 256;

}  // namespace

Consumer::Consumer(std::string id, std::string peerId, std::string producerId, MediaKind kind,
                   ConsumerParameters parameters, bool producerPaused, PacketSink& sink, Listener& listener,
                   WorkerCounters* counters)
    : id_(std::move(id)),
      peerId_(std::move(peerId)),
      producerId_(std::move(producerId)),
      kind_(kind),
      parameters_(std::move(parameters)),
      sink_(sink),
      listener_(listener),
      counters_(counters),
      rewriter_(parameters_.clockRate),
      // RFC 3550 §5.1: the initial sequence number should be random.
      rtxSequenceNumber_(static_cast<uint16_t>(common::randomUint32())),
      producerPaused_(producerPaused),
      buffer_(kBufferCapacity),
      rtxBuffer_(kBufferCapacity) {
  if (kind_ == MediaKind::Video && parameters_.spatialLayers > 1) {
    layers_.emplace(parameters_.spatialLayers);
    if (!parameters_.rtpParameters.codecs.empty() &&
        mimeTypeEquals(parameters_.rtpParameters.codecs.front().mimeType, "video/VP8"))
      vp8_.emplace();
  }
}

void Consumer::countDrop(DropReason reason) {
  if (counters_) sfu::countDrop(*counters_, reason);
}

void Consumer::requestKeyframe() {
  // A keyframe sent before our transport can deliver it is wasted, and the producer's rate limit would
  // then hold back the request that matters (the one when DTLS connects): that cost joiners ~300 ms.
  if (sink_.canSend()) listener_.onConsumerKeyframeRequest(*this);
}

void Consumer::waitForKeyframe() {
  if (kind_ != MediaKind::Video) return;
  if (layers_)
    layers_->reset();
  else
    waitingForKeyframe_ = true;
  requestKeyframe();
}

void Consumer::pause() {
  paused_ = true;
}

void Consumer::resume() {
  if (!paused_) return;
  paused_ = false;
  rewriter_.markSequenceGap();
  waitForKeyframe();
}

void Consumer::setProducerPaused(bool paused) {
  if (producerPaused_ == paused) return;
  producerPaused_ = paused;
  if (!paused) {
    rewriter_.markSequenceGap();
    waitForKeyframe();
  }
}

size_t Consumer::keyframeLayer() const {
  if (!layers_) return 0;
  return static_cast<size_t>(std::max(layers_->keyframeLayer(), 0));
}

void Consumer::setPreferredLayers(int spatialLayer, std::optional<int> temporalLayer) {
  if (!layers_) return;
  preferredTemporalLayer_ = temporalLayer;
  if (layers_->setPreferred(spatialLayer) && active()) requestKeyframe();
}

void Consumer::updateLayers(const std::vector<bool>& active, int maxAllowed) {
  if (!layers_) return;
  const bool availabilityMoved = layers_->setActive(active);
  const bool capMoved = layers_->setMaxAllowed(maxAllowed);
  if ((availabilityMoved || capMoved) && this->active()) requestKeyframe();
}

bool Consumer::isKeyframe(const rtp::RtpPacket& packet) const {
  const std::string& mime = parameters_.rtpParameters.codecs.front().mimeType;
  if (mimeTypeEquals(mime, "video/VP8")) return rtp::codecs::vp8IsKeyframe(packet.payload());
  if (mimeTypeEquals(mime, "video/H264")) return rtp::codecs::h264IsKeyframe(packet.payload());
  return true;  // unknown codec: cannot tell, so do not hold the stream back
}

void Consumer::sendRtp(const rtp::RtpPacket& in, size_t layer) {
  if (!active()) return;
  if (layers_) {
    const int l = static_cast<int>(layer);
    // Only a packet that could complete a pending switch needs its payload looked at.
    const bool candidate = l == layers_->target() && l != layers_->current();
    const auto decision = layers_->onPacket(layer, candidate && isKeyframe(in));
    if (decision.requestKeyframe) requestKeyframe();
    if (!decision.relay) return;
    if (decision.switched && l != forwardedLayer_) {
      // Another layer's numbering and clock: re-base both, aligning the clocks by the Sender Reports
      // when both layers have sent one, else by the wall time since the last packet.
      std::optional<uint32_t> delta;
      if (forwardedLayer_ >= 0)
        delta = listener_.layerTimestampDelta(*this, static_cast<size_t>(forwardedLayer_), layer);
      rewriter_.markSourceSwitch(delta);
      if (vp8_) vp8_->markSwitch();
      forwardedLayer_ = l;
      listener_.onConsumerLayersChanged(*this, l);
    }
  } else if (waitingForKeyframe_) {
    if (!isKeyframe(in)) {
      // Keep asking while we wait: an earlier request may have been answered before we were resumed,
      // or throttled by the producer. The producer rate-limits, so this costs at most one PLI per window.
      requestKeyframe();
      return;
    }
    waitingForKeyframe_ = false;
  }
  auto src = in.data();
  if (src.size() > buffer_.size() - 200) return;  // checked before rewrite() so no number is used up
  const auto now = RtpStreamRewriter::Clock::now();
  auto rewritten = rewriter_.rewrite(in.sequenceNumber(), in.timestamp(), now);
  if (!rewritten) return;
  auto length = rewriteIntoBuffer(src, rewritten->sequenceNumber, rewritten->timestamp, false);
  if (!length) return;

  ++packetsSent_;
  bytesSent_ += *length;
  sent_.add(*length, now);
  sink_.sendRtp(buffer_.data(), *length, buffer_.size());
}

std::optional<size_t> Consumer::rewriteIntoBuffer(std::span<const uint8_t> src, uint16_t seq, uint32_t ts,
                                                  bool retransmission) {
  // Larger than any MTU: cannot be a valid forwarded packet. The headroom is for SRTP and the RTX OSN.
  if (src.size() > buffer_.size() - 200) return std::nullopt;
  std::memcpy(buffer_.data(), src.data(), src.size());
  auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(buffer_.data(), src.size()));
  if (!packet) return std::nullopt;
  packet->setSsrc(parameters_.ssrc);
  packet->setPayloadType(parameters_.payloadType);
  packet->setSequenceNumber(seq);
  packet->setTimestamp(ts);
  packet->remapExtensionIds(parameters_.extensionIdMap);
  if (vp8_) {
    const size_t payloadSize = packet->data().size() - packet->headerSize() - packet->paddingSize();
    vp8_->rewrite(packet->data().subspan(packet->headerSize(), payloadSize), retransmission);
  }
  if (parameters_.absSendTimeId == 0) return src.size();
  // Our send time, added if the sender did not include it (Chrome leaves it out when it uses transport-cc).
  return writeAbsSendTime(buffer_.data(), src.size(), buffer_.size() - 100, parameters_.absSendTimeId,
                          absSendTime(Clock::now()));
}

void Consumer::receiveNack(const rtp::rtcp::Nack& nack, Clock::time_point now) {
  if (nack.lostSequenceNumbers.empty()) return;
  const RetransmissionBuffer* source = listener_.retransmissionSourceOf(*this);
  // A NACK may name a number several times (FCI entries can overlap); answer each once, oldest first
  // in RFC 1982 order: distances are taken from half the number space before the first one named.
  std::vector<uint16_t> wanted = nack.lostSequenceNumbers;
  const auto base = static_cast<uint16_t>(wanted.front() - 0x8000);
  std::sort(wanted.begin(), wanted.end(), [base](uint16_t a, uint16_t b) {
    return static_cast<uint16_t>(a - base) < static_cast<uint16_t>(b - base);
  });
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());

  for (size_t i = 0; i < wanted.size(); ++i) {
    if (i >= kMaxSequencesPerNack) {
      for (size_t rest = i; rest < wanted.size(); ++rest) countDrop(DropReason::NackRateLimited);
      break;
    }
    const uint16_t ourSeq = wanted[i];
    // Our numbers are the producer's shifted by the rewriter's offset; only numbers we actually sent
    // since the last re-sync map back.
    auto producerSeq = rewriter_.sourceSequence(ourSeq);
    auto stored = producerSeq && source && active() ? source->find(*producerSeq, now) : std::nullopt;
    if (!stored) {
      countDrop(DropReason::NackUnknownSequence);
      continue;
    }
    if (!retransmissionBudget_.trySpend(stored->bytes.size(), now)) {
      countDrop(DropReason::NackRateLimited);
      continue;
    }
    retransmit(stored->bytes, ourSeq);
  }
}

void Consumer::retransmit(std::span<const uint8_t> source, uint16_t seq) {
  if (source.size() < rtp::RtpPacket::kFixedHeaderSize) return;
  const uint32_t producerTimestamp = rtp::readU32(source, 4);
  auto length = rewriteIntoBuffer(source, seq, producerTimestamp + rewriter_.timestampOffset(), true);
  if (!length) return;
  auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(buffer_.data(), *length));
  if (!packet) return;
  ++retransmissionsSent_;
  if (counters_) bump(counters_->retransmissionsSent);
  sent_.add(*length, Clock::now());
  if (parameters_.rtxSsrc == 0) {
    // No RTX negotiated: RFC 4585 allows resending the packet as it was, same SSRC and number.
    sink_.sendRtp(buffer_.data(), *length, buffer_.size());
    return;
  }
  // RFC 4588 §4: the RTX packet carries our (rewritten) sequence number as its OSN.
  const size_t rtxLength =
      rtp::wrapRtx(*packet, parameters_.rtxPayloadType, parameters_.rtxSsrc, rtxSequenceNumber_, rtxBuffer_);
  if (rtxLength == 0) return;
  ++rtxSequenceNumber_;
  sink_.sendRtp(rtxBuffer_.data(), rtxLength, rtxBuffer_.size());
}

void Consumer::sendSenderReport(const rtp::rtcp::SenderReport& producerReport, size_t layer) {
  if (!rewriter_.started()) return;
  // Only the layer being forwarded: another layer's RTP clock is not the one our offset applies to.
  if (layers_ && static_cast<int>(layer) != forwardedLayer_) return;
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
  if (kind_ == MediaKind::Video && active()) requestKeyframe();
}

void Consumer::restartFromKeyframe() {
  if (kind_ != MediaKind::Video || !active()) return;
  waitForKeyframe();
}

}  // namespace jb::sfu
