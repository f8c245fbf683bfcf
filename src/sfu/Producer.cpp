#include "sfu/Producer.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "common/RequestError.hpp"
#include "rtp/Rtx.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/RouterCapabilities.hpp"

namespace jb::sfu {

using common::RequestError;

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

uint8_t extensionId(const RtpParameters& parameters, const char* uri) {
  for (const RtpHeaderExtension& e : parameters.headerExtensions)
    if (e.uri == uri) return e.id;
  return 0;
}

std::string_view asText(std::span<const uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
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
      counters_(counters) {
  const auto& encodings = rtpParameters_.encodings;
  if (encodings.empty())
    throw RequestError("unsupported", "rtpParameters.encodings[0].ssrc or .rid is required");
  const bool byRid = !encodings[0].rid.empty() && !encodings[0].ssrc;
  std::set<std::string> rids;
  std::set<uint32_t> ssrcs;
  for (size_t i = 0; i < encodings.size(); ++i) {
    const RtpEncoding& e = encodings[i];
    const std::string path = "rtpParameters.encodings[" + std::to_string(i) + "]";
    if (byRid ? (e.rid.empty() || e.ssrc) : !e.ssrc)
      throw RequestError("invalid_request", path + ": every encoding needs an ssrc, or every one a rid");
    if (byRid && !rids.insert(e.rid).second) throw RequestError("invalid_request", path + ".rid: repeated");
    if (e.ssrc && !ssrcs.insert(*e.ssrc).second)
      throw RequestError("invalid_request", path + ".ssrc: repeated");
    if (e.rtxSsrc && !ssrcs.insert(*e.rtxSsrc).second)
      throw RequestError("invalid_request", path + ".rtx.ssrc: repeated");
  }
  if (encodings.size() > 1 && kind_ != MediaKind::Video)
    throw RequestError("unsupported", "simulcast is for video only");

  const RtpCodec& codec = primaryMediaCodec(rtpParameters_);
  mediaPayloadType_ = codec.payloadType;
  clockRate_ = codec.clockRate;
  if (kind_ == MediaKind::Video) rtxPayloadType_ = rtxPayloadTypeFor(rtpParameters_, mediaPayloadType_);
  midExtensionId_ = extensionId(rtpParameters_, uri::kMid);
  ridExtensionId_ = extensionId(rtpParameters_, uri::kRid);
  repairedRidExtensionId_ = extensionId(rtpParameters_, uri::kRepairedRid);
  transportWideCcExtensionId_ = extensionId(rtpParameters_, uri::kTransportWideCc);
  audioLevelExtensionId_ = extensionId(rtpParameters_, uri::kAudioLevel);
  if (byRid && ridExtensionId_ == 0)
    throw RequestError("invalid_request",
                       "rtpParameters.headerExtensions: rid encodings need the rid extension");

  streams_.reserve(encodings.size());
  for (const RtpEncoding& e : encodings) {
    Stream& stream = streams_.emplace_back(clockRate_);
    stream.rid = e.rid;
    stream.ssrc = e.ssrc;
    if (kind_ == MediaKind::Video) {
      stream.retransmissionBuffer = std::make_unique<RetransmissionBuffer>();
      stream.nackGenerator = std::make_unique<NackGenerator>();
      if (rtxPayloadType_ != 0 && e.rtxSsrc && e.rtxSsrc != e.ssrc) stream.rtxSsrc = e.rtxSsrc;
    }
  }
}

bool Producer::ownsSsrc(uint32_t ssrc) const {
  return std::any_of(streams_.begin(), streams_.end(), [ssrc](const Stream& s) { return s.ssrc == ssrc; });
}

std::vector<uint32_t> Producer::mediaSsrcs() const {
  std::vector<uint32_t> out;
  for (const Stream& s : streams_)
    if (s.ssrc) out.push_back(*s.ssrc);
  return out;
}

std::vector<uint32_t> Producer::rtxSsrcs() const {
  std::vector<uint32_t> out;
  for (const Stream& s : streams_)
    if (s.rtxSsrc) out.push_back(*s.rtxSsrc);
  return out;
}

Producer::Stream* Producer::streamOf(uint32_t ssrc) {
  for (Stream& s : streams_)
    if (s.ssrc == ssrc) return &s;
  return nullptr;
}

Producer::Stream* Producer::streamOfRtx(uint32_t ssrc) {
  for (Stream& s : streams_)
    if (s.rtxSsrc == ssrc) return &s;
  return nullptr;
}

Producer::Claim Producer::claim(const rtp::RtpPacket& packet) {
  if (ridExtensionId_ == 0 || streams_.front().rid.empty()) return Claim::NotMine;
  // With several senders' m-sections on one transport, the MID tells whose packet this is
  // (RFC 8843 §15); Chrome sends it with the rid until its packets have been acknowledged.
  if (midExtensionId_ != 0 && !rtpParameters_.mid.empty()) {
    auto mid = packet.extension(midExtensionId_);
    if (!mid || asText(*mid) != rtpParameters_.mid) return Claim::NotMine;
  }
  const bool media = packet.payloadType() == mediaPayloadType_;
  const bool rtx = rtxPayloadType_ != 0 && packet.payloadType() == rtxPayloadType_;
  if (!media && !rtx) return Claim::NotMine;
  std::optional<std::span<const uint8_t>> rid =
      packet.extension(media ? ridExtensionId_ : repairedRidExtensionId_);
  if (!rid && rtx) rid = packet.extension(ridExtensionId_);  // some senders tag RTX with the plain rid
  if (!rid) return Claim::NotMine;
  const std::string_view name = asText(*rid);
  for (Stream& s : streams_) {
    if (s.rid != name) continue;
    // A stream keeps the first SSRC it was seen with; another SSRC for the same rid is not taken.
    if (media) {
      if (s.ssrc) return Claim::NotMine;
      s.ssrc = packet.ssrc();
      return Claim::Media;
    }
    if (s.rtxSsrc || kind_ != MediaKind::Video) return Claim::NotMine;
    s.rtxSsrc = packet.ssrc();
    return Claim::Rtx;
  }
  return Claim::UndeclaredRid;
}

void Producer::receiveRtp(const rtp::RtpPacket& packet) {
  ++packetsReceived_;
  bytesReceived_ += packet.data().size();
  Stream* stream = streamOf(packet.ssrc());
  if (!stream) return;
  // Other payload types (RTX, RED, FEC) are not forwarded until they are negotiated with consumers.
  if (packet.payloadType() != mediaPayloadType_) return;
  const auto now = Clock::now();
  stream->reception.packetReceived(packet.sequenceNumber(), packet.timestamp(), now);
  stream->bitrate.add(packet.data().size(), now);
  stream->lastMediaAt = now;
  receiveMedia(*stream, packet, false);
}

std::optional<DropReason> Producer::receiveRtx(rtp::RtpPacket& packet) {
  ++packetsReceived_;
  bytesReceived_ += packet.data().size();
  Stream* stream = streamOfRtx(packet.ssrc());
  if (!stream || packet.payloadType() != rtxPayloadType_) return DropReason::BadRtx;
  // Chrome probes bandwidth with padding-only packets on the RTX stream (also before its media shows).
  if (packet.payload().empty()) return DropReason::RtxPadding;
  if (!stream->ssrc) return DropReason::BadRtx;  // a rid stream's repair before its media was seen
  auto original = rtp::unwrapRtx(packet);
  if (!original) return DropReason::BadRtx;
  original->setSsrc(*stream->ssrc);
  original->setPayloadType(mediaPayloadType_);
  // Not fed to ReceptionStats: RFC 3550 reception counts describe the media stream as the network
  // delivered it, and a late copy would distort jitter.
  receiveMedia(*stream, *original, true);
  return std::nullopt;
}

void Producer::receiveMedia(Stream& stream, const rtp::RtpPacket& packet, bool retransmission) {
  const auto now = Clock::now();
  if (stream.retransmissionBuffer) {
    // A retransmission we already hold (it answered a NACK twice, or the original was only late)
    // would reach receivers as a duplicate; drop it quietly.
    if (!stream.retransmissionBuffer->insert(packet, now) && retransmission) return;
  }
  if (stream.nackGenerator) {
    auto arrival = stream.nackGenerator->received(packet.sequenceNumber(), now);
    if (retransmission && arrival.recovered && counters_) bump(counters_->retransmissionsReceived);
    if (arrival.keyframeNeeded) requestKeyframe(layerOf(stream));
    sendDueNacks(stream, now);
  }
  // A paused producer's packets are dropped here, once, rather than by every consumer.
  if (paused_) return;
  listener_.onProducerRtp(*this, packet, layerOf(stream));
}

void Producer::sendDueNacks(Clock::time_point now) {
  for (Stream& s : streams_) sendDueNacks(s, now);
}

void Producer::sendDueNacks(Stream& stream, Clock::time_point now) {
  NackGenerator* generator = stream.nackGenerator.get();
  if (!generator || !stream.ssrc || now < generator->nextDue() ||
      now - stream.lastNackSent < kMinNackInterval)
    return;
  auto due = generator->due(now);
  if (due.gaveUp > 0 && counters_) bump(counters_->nackGiveUps, due.gaveUp);
  if (due.sequenceNumbers.empty()) return;
  stream.lastNackSent = now;
  std::vector<uint8_t> out;
  rtp::rtcp::serialize(rtp::rtcp::Nack{kFeedbackSenderSsrc, *stream.ssrc, std::move(due.sequenceNumbers)},
                       out);
  sink_.sendRtcp(out);
}

void Producer::receiveSenderReport(const rtp::rtcp::SenderReport& report) {
  Stream* stream = streamOf(report.ssrc);
  if (!stream) return;
  stream->reception.senderReportReceived(report.ntpSeconds, report.ntpFraction, ReceptionStats::Clock::now());
  stream->senderReported = true;
  stream->srNtp = static_cast<uint64_t>(report.ntpSeconds) << 32 | report.ntpFraction;
  stream->srRtpTimestamp = report.rtpTimestamp;
  listener_.onProducerSenderReport(*this, report, layerOf(*stream));
}

void Producer::appendReportBlocks(Clock::time_point now, std::vector<rtp::rtcp::ReportBlock>& out) {
  for (Stream& s : streams_)
    if (s.ssrc)
      if (auto block = s.reception.makeReportBlock(*s.ssrc, now)) out.push_back(*block);
}

void Producer::requestKeyframe(size_t layer) {
  if (kind_ != MediaKind::Video || layer >= streams_.size()) return;
  Stream& stream = streams_[layer];
  if (!stream.ssrc) return;  // a rid stream not seen yet: nothing to address the request to
  auto now = Clock::now();
  if (now - stream.lastKeyframeRequest < kMinKeyframeRequestInterval) return;
  stream.lastKeyframeRequest = now;
  std::vector<uint8_t> out;
  rtp::rtcp::serialize(rtp::rtcp::Pli{kFeedbackSenderSsrc, *stream.ssrc}, out);
  sink_.sendRtcp(out);
}

std::vector<Producer::LayerState> Producer::layerStates(Clock::time_point now) const {
  std::vector<LayerState> out;
  out.reserve(streams_.size());
  for (const Stream& s : streams_) {
    const bool active = s.lastMediaAt != Clock::time_point{} && now - s.lastMediaAt < kLayerInactiveAfter;
    out.push_back({active, active ? s.bitrate.bitsPerSecond(now) : 0});
  }
  return out;
}

std::optional<uint32_t> Producer::timestampDelta(size_t from, size_t to) const {
  if (from >= streams_.size() || to >= streams_.size()) return std::nullopt;
  const Stream& a = streams_[from];
  const Stream& b = streams_[to];
  if (!a.senderReported || !b.senderReported || clockRate_ == 0) return std::nullopt;
  // At NTP instant N: ts_a(N) = rtp_a + (N - ntp_a) * rate, ts_b(N) = rtp_b + (N - ntp_b) * rate, so
  // ts_a = ts_b + (rtp_a - rtp_b) + (ntp_b - ntp_a) * rate.
  const double ntpDiffSeconds =
      static_cast<double>(static_cast<int64_t>(b.srNtp - a.srNtp)) / 4294967296.0;  // 2^32 per second
  if (std::abs(ntpDiffSeconds) > 60) return std::nullopt;                           // stale or bogus reports
  const auto ticks = static_cast<int64_t>(std::llround(ntpDiffSeconds * clockRate_));
  return static_cast<uint32_t>(a.srRtpTimestamp - b.srRtpTimestamp + static_cast<uint32_t>(ticks));
}

}  // namespace jb::sfu
