#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rtp/RtpPacket.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "rtp/rtcp/Packet.hpp"
#include "sfu/BitrateMeter.hpp"
#include "sfu/NackGenerator.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/ReceptionStats.hpp"
#include "sfu/RetransmissionBuffer.hpp"
#include "sfu/RtpParameters.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

// One incoming track (an audio or video m-section of a sending browser). A simulcast track has one
// stream per encoding (spatial layer, lowest resolution first), each with its own SSRC, RTX SSRC,
// reception statistics and loss recovery; a plain track has one. Streams are declared by SSRC, or by
// rid (RFC 8851) and then learned from the first packets carrying the rid / repaired-rid header
// extensions (RFC 8852). For video each stream does loss recovery towards the sender: it keeps the
// recent packets (RetransmissionBuffer) for its consumers' NACKs, NACKs the gaps it sees itself
// (NackGenerator), and unwraps the RTX (RFC 4588) answers.
class Producer {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // `layer`: the stream (encoding index) the packet belongs to; 0 for a plain track.
    virtual void onProducerRtp(Producer& producer, const rtp::RtpPacket& packet, size_t layer) = 0;
    virtual void onProducerSenderReport(Producer& producer, const rtp::rtcp::SenderReport& report,
                                        size_t layer) = 0;
  };

  // What a transport learns from a packet on an SSRC it does not know (see claim()).
  enum class Claim { NotMine, Media, Rtx, UndeclaredRid };

  struct LayerState {
    bool active = false;   // media arrived recently
    uint64_t bitrate = 0;  // bits per second over the last second
  };

  // A layer that has sent nothing for this long is treated as stopped (the sender dropped it).
  static constexpr auto kLayerInactiveAfter = std::chrono::milliseconds(1500);

  // `counters` may be null (a producer fed by the server itself has nothing to count). Throws
  // RequestError for encodings that are neither all SSRC-based nor all rid-based, or repeat one.
  Producer(std::string id, std::string peerId, MediaKind kind, RtpParameters rtpParameters,
           std::string source, PacketSink& sink, Listener& listener, WorkerCounters* counters = nullptr);

  const std::string& id() const { return id_; }
  const std::string& peerId() const { return peerId_; }
  MediaKind kind() const { return kind_; }
  const std::string& source() const { return source_; }
  const RtpParameters& rtpParameters() const { return rtpParameters_; }
  bool paused() const { return paused_; }
  void setPaused(bool paused) { paused_ = paused; }

  // The sender's ids for RTP header extensions other parts read (0: not negotiated): transport-wide
  // sequence numbers (the transport's congestion feedback) and RFC 6464 audio levels (active speaker).
  uint8_t transportWideCcExtensionId() const { return transportWideCcExtensionId_; }
  uint8_t audioLevelExtensionId() const { return audioLevelExtensionId_; }

  size_t layerCount() const { return streams_.size(); }
  bool simulcast() const { return streams_.size() > 1; }

  // True if `ssrc` is one of this producer's media streams (not RTX).
  bool ownsSsrc(uint32_t ssrc) const;
  // The first stream's SSRC; 0 while a rid-based stream has not been seen yet.
  uint32_t mediaSsrc() const { return streams_.front().ssrc.value_or(0); }
  // The first stream's RTX SSRC (encodings[0].rtx.ssrc), when it negotiated video/rtx for the media codec.
  std::optional<uint32_t> rtxSsrc() const { return streams_.front().rtxSsrc; }
  // Every SSRC known so far, media and RTX (declared ones at once, rid-based ones once claimed).
  std::vector<uint32_t> mediaSsrcs() const;
  std::vector<uint32_t> rtxSsrcs() const;

  // A packet on an SSRC no producer of the transport knows: if its MID (when we have one) is ours and
  // it carries one of our rids (media) or repaired rids (RTX), that stream takes the SSRC from now on
  // and the caller routes the packet here. A rid we never declared is UndeclaredRid (drop it).
  Claim claim(const rtp::RtpPacket& packet);

  void receiveRtp(const rtp::RtpPacket& packet);
  // A packet on one of rtxSsrcs(). It is unwrapped in place (its buffer is modified) and, if it fills a
  // gap, forwarded like any media packet. Returns why it was dropped, if it was.
  std::optional<DropReason> receiveRtx(rtp::RtpPacket& packet);
  // What consumers answer NACKs from; null for audio (no NACK negotiated for Opus) or no such layer.
  const RetransmissionBuffer* retransmissionBuffer(size_t layer = 0) const {
    return layer < streams_.size() ? streams_[layer].retransmissionBuffer.get() : nullptr;
  }
  // Sends any NACKs that have come due (also called on every packet); for the worker's timer, so a
  // gap at the end of a burst is NACKed even if nothing arrives after it.
  void sendDueNacks(std::chrono::steady_clock::time_point now);
  void receiveSenderReport(const rtp::rtcp::SenderReport& report);
  // This producer's RTCP reception reports (RFC 3550 §6.4.2), one per stream seen, for the
  // transport's periodic Receiver Report.
  void appendReportBlocks(std::chrono::steady_clock::time_point now,
                          std::vector<rtp::rtcp::ReportBlock>& out);

  // Ask the sender for a keyframe on one layer (PLI, RFC 4585 §6.3.1). Rate-limited per layer: a
  // keyframe costs many packets, and several receivers asking at once are served by one.
  void requestKeyframe(size_t layer = 0);

  // Per layer: is it arriving, and at what rate.
  std::vector<LayerState> layerStates(std::chrono::steady_clock::time_point now) const;
  // How to move a timestamp of layer `to` onto layer `from`'s clock (add the result), from both layers'
  // last Sender Reports (RFC 3550 §6.4.1 NTP/RTP pairs); nullopt until both have reported.
  std::optional<uint32_t> timestampDelta(size_t from, size_t to) const;

  uint64_t packetsReceived() const { return packetsReceived_; }
  uint64_t bytesReceived() const { return bytesReceived_; }

 private:
  using Clock = std::chrono::steady_clock;

  struct Stream {
    explicit Stream(uint32_t clockRate) : reception(clockRate) {}
    std::string rid;
    std::optional<uint32_t> ssrc;
    std::optional<uint32_t> rtxSsrc;
    ReceptionStats reception;
    std::unique_ptr<RetransmissionBuffer> retransmissionBuffer;  // video only
    std::unique_ptr<NackGenerator> nackGenerator;                // video only
    Clock::time_point lastNackSent{};
    Clock::time_point lastKeyframeRequest{};
    Clock::time_point lastMediaAt{};
    BitrateMeter bitrate;
    bool senderReported = false;
    uint64_t srNtp = 0;  // last Sender Report: NTP time (32.32 fixed point) and the RTP time it names
    uint32_t srRtpTimestamp = 0;
  };

  Stream* streamOf(uint32_t ssrc);
  Stream* streamOfRtx(uint32_t ssrc);
  void receiveMedia(Stream& stream, const rtp::RtpPacket& packet, bool retransmission);
  void sendDueNacks(Stream& stream, Clock::time_point now);
  size_t layerOf(const Stream& stream) const { return static_cast<size_t>(&stream - streams_.data()); }

  std::string id_;
  std::string peerId_;
  MediaKind kind_;
  RtpParameters rtpParameters_;
  std::string source_;
  PacketSink& sink_;
  Listener& listener_;
  uint8_t mediaPayloadType_ = 0;
  uint8_t rtxPayloadType_ = 0;
  uint32_t clockRate_ = 0;
  uint8_t midExtensionId_ = 0;  // the sender's ids for the MID / rid / repaired-rid extensions; 0: none
  uint8_t ridExtensionId_ = 0;
  uint8_t repairedRidExtensionId_ = 0;
  uint8_t transportWideCcExtensionId_ = 0;
  uint8_t audioLevelExtensionId_ = 0;
  WorkerCounters* counters_;
  bool paused_ = false;
  uint64_t packetsReceived_ = 0;
  uint64_t bytesReceived_ = 0;
  std::vector<Stream> streams_;  // never resized after construction: layerOf() relies on it
};

}  // namespace jb::sfu
