#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "rtp/RtpPacket.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "rtp/rtcp/Packet.hpp"
#include "sfu/NackGenerator.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/ReceptionStats.hpp"
#include "sfu/RetransmissionBuffer.hpp"
#include "sfu/RtpParameters.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

// One incoming track (an audio or video m-section of a sending browser). For video it also does loss
// recovery towards the sender: it keeps the recent packets (RetransmissionBuffer) for its consumers'
// NACKs, NACKs the gaps it sees itself (NackGenerator), and unwraps the RTX (RFC 4588) answers.
class Producer {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onProducerRtp(Producer& producer, const rtp::RtpPacket& packet) = 0;
    virtual void onProducerSenderReport(Producer& producer, const rtp::rtcp::SenderReport& report) = 0;
  };

  // `counters` may be null (a producer fed by the server itself has nothing to count).
  Producer(std::string id, std::string peerId, MediaKind kind, RtpParameters rtpParameters,
           std::string source, PacketSink& sink, Listener& listener, WorkerCounters* counters = nullptr);

  const std::string& id() const { return id_; }
  const std::string& peerId() const { return peerId_; }
  MediaKind kind() const { return kind_; }
  const std::string& source() const { return source_; }
  const RtpParameters& rtpParameters() const { return rtpParameters_; }
  bool paused() const { return paused_; }
  void setPaused(bool paused) { paused_ = paused; }

  // True if `ssrc` is one of this producer's media streams (not RTX).
  bool ownsSsrc(uint32_t ssrc) const;
  uint32_t mediaSsrc() const { return mediaSsrc_; }
  // The sender's RTX stream (encodings[0].rtx.ssrc), when it negotiated video/rtx for the media codec.
  std::optional<uint32_t> rtxSsrc() const { return rtxSsrc_; }

  void receiveRtp(const rtp::RtpPacket& packet);
  // A packet on rtxSsrc(). It is unwrapped in place (its buffer is modified) and, if it fills a gap,
  // forwarded like any media packet. Returns why it was dropped, if it was.
  std::optional<DropReason> receiveRtx(rtp::RtpPacket& packet);
  // What consumers answer NACKs from; null for audio (no NACK negotiated for Opus).
  const RetransmissionBuffer* retransmissionBuffer() const { return retransmissionBuffer_.get(); }
  // Sends any NACKs that have come due (also called on every packet); for the worker's timer.
  void sendDueNacks(std::chrono::steady_clock::time_point now);
  void receiveSenderReport(const rtp::rtcp::SenderReport& report);
  // This stream's RTCP reception report (RFC 3550 §6.4.2), for the transport's periodic Receiver Report.
  std::optional<rtp::rtcp::ReportBlock> makeReportBlock(std::chrono::steady_clock::time_point now) {
    return reception_.makeReportBlock(mediaSsrc_, now);
  }

  // Ask the sender for a keyframe (PLI, RFC 4585 §6.3.1). Rate-limited: a keyframe costs many packets,
  // and several receivers asking at once are served by one.
  void requestKeyframe();

  uint64_t packetsReceived() const { return packetsReceived_; }
  uint64_t bytesReceived() const { return bytesReceived_; }

 private:
  void receiveMedia(const rtp::RtpPacket& packet, bool retransmission);

  std::string id_;
  std::string peerId_;
  MediaKind kind_;
  RtpParameters rtpParameters_;
  std::string source_;
  PacketSink& sink_;
  Listener& listener_;
  uint32_t mediaSsrc_ = 0;
  uint8_t mediaPayloadType_ = 0;
  std::optional<uint32_t> rtxSsrc_;
  uint8_t rtxPayloadType_ = 0;
  WorkerCounters* counters_;
  bool paused_ = false;
  uint64_t packetsReceived_ = 0;
  uint64_t bytesReceived_ = 0;
  std::chrono::steady_clock::time_point lastKeyframeRequest_{};
  ReceptionStats reception_;
  std::unique_ptr<RetransmissionBuffer> retransmissionBuffer_;  // video only
  std::unique_ptr<NackGenerator> nackGenerator_;                // video only
  std::chrono::steady_clock::time_point lastNackSent_{};
};

}  // namespace jb::sfu
