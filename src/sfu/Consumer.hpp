#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtp/RtpPacket.hpp"
#include "rtp/codecs/Vp8.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "rtp/rtcp/Packet.hpp"
#include "sfu/BitrateMeter.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/LayerSelector.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/RetransmissionBudget.hpp"
#include "sfu/RetransmissionBuffer.hpp"
#include "sfu/RtpStreamRewriter.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

// One outgoing copy of one producer's stream to one receiving browser. Rewrites SSRC, payload type,
// header extension ids, sequence numbers and timestamps, and answers the receiver's NACKs from the
// producer's retransmission buffer (as RTX when the receiver negotiated it).
//
// For a simulcast producer (parameters().spatialLayers > 1) it is mediasoup's SimulcastConsumer: it
// forwards one spatial layer at a time, chosen by a LayerSelector from the receiver's preference, the
// layers arriving and the cap the downlink allocation sets, switches only at a keyframe of the new
// layer, and keeps sequence numbers, timestamps and VP8 picture ids continuous across switches.
class Consumer {
 public:
  using Clock = std::chrono::steady_clock;

  class Listener {
   public:
    virtual ~Listener() = default;
    // Ask the producer for a keyframe on keyframeLayer().
    virtual void onConsumerKeyframeRequest(Consumer& consumer) = 0;
    // The buffer of the producer layer this consumer currently follows (forwardedLayer()), or null
    // (audio, or it is gone).
    virtual const RetransmissionBuffer* retransmissionSourceOf(Consumer& consumer) = 0;
    // A simulcast consumer started forwarding another spatial layer.
    virtual void onConsumerLayersChanged(Consumer& consumer, int spatialLayer) = 0;
    // What to add to a timestamp of layer `to` to put it on layer `from`'s clock, if known (the
    // producer's Sender Reports tell).
    virtual std::optional<uint32_t> layerTimestampDelta(Consumer& consumer, size_t from, size_t to) = 0;
  };

  // `counters` may be null (tests).
  Consumer(std::string id, std::string peerId, std::string producerId, MediaKind kind,
           ConsumerParameters parameters, bool producerPaused, PacketSink& sink, Listener& listener,
           WorkerCounters* counters = nullptr);

  const std::string& id() const { return id_; }
  const std::string& peerId() const { return peerId_; }
  const std::string& producerId() const { return producerId_; }
  MediaKind kind() const { return kind_; }
  uint32_t ssrc() const { return parameters_.ssrc; }
  const ConsumerParameters& parameters() const { return parameters_; }
  bool paused() const { return paused_; }
  bool active() const { return !paused_ && !producerPaused_; }

  void pause();
  void resume();  // also asks for a keyframe: the receiver cannot decode from mid-GOP
  void setProducerPaused(bool paused);

  // A producer packet of spatial layer `layer` (0 for a single-stream producer).
  void sendRtp(const rtp::RtpPacket& packet, size_t layer = 0);
  void sendSenderReport(const rtp::rtcp::SenderReport& producerReport, size_t layer = 0);
  // A Generic NACK (RFC 4585 §6.2.1) from the receiving browser, naming our sequence numbers.
  void receiveNack(const rtp::rtcp::Nack& nack, Clock::time_point now);
  // A keyframe request (PLI/FIR) from the receiving browser.
  void receiveKeyframeRequest();
  // The receiving transport just became able to send: start the stream again at a keyframe.
  void restartFromKeyframe();

  // Simulcast. All are no-ops on a single-stream consumer.
  bool simulcast() const { return layers_.has_value(); }
  void setPreferredLayers(int spatialLayer, std::optional<int> temporalLayer);
  // Which layers arrive (from the producer) and the highest the downlink allows.
  void updateLayers(const std::vector<bool>& active, int maxAllowed);
  const LayerSelector* layers() const { return layers_ ? &*layers_ : nullptr; }
  std::optional<int> preferredTemporalLayer() const { return preferredTemporalLayer_; }
  // The layer whose packets were forwarded last (its numbering is in force); 0 for a single stream.
  size_t forwardedLayer() const { return forwardedLayer_ < 0 ? 0 : static_cast<size_t>(forwardedLayer_); }
  size_t keyframeLayer() const;

  uint64_t packetsSent() const { return packetsSent_; }
  uint64_t bytesSent() const { return bytesSent_; }
  uint64_t retransmissionsSent() const { return retransmissionsSent_; }
  uint64_t sendingBitrate(Clock::time_point now) const { return sent_.bitsPerSecond(now); }

 private:
  bool isKeyframe(const rtp::RtpPacket& packet) const;
  // Asks the producer (through the listener) for a keyframe, unless our transport cannot send yet.
  void requestKeyframe();
  // Restart at the next keyframe (of the target layer, for simulcast) and ask for one.
  void waitForKeyframe();
  // Copies `source` (a producer packet) into buffer_ and rewrites it for our receiver.
  // Returns its length there (abs-send-time may have been added), or nullopt if it was unusable.
  std::optional<size_t> rewriteIntoBuffer(std::span<const uint8_t> source, uint16_t sequenceNumber,
                                          uint32_t timestamp, bool retransmission);
  void retransmit(std::span<const uint8_t> source, uint16_t sequenceNumber);
  void countDrop(DropReason reason);

  std::string id_;
  std::string peerId_;
  std::string producerId_;
  MediaKind kind_;
  ConsumerParameters parameters_;
  PacketSink& sink_;
  Listener& listener_;
  WorkerCounters* counters_;
  RtpStreamRewriter rewriter_;
  RetransmissionBudget retransmissionBudget_;
  uint16_t rtxSequenceNumber_;  // RFC 4588 §4: the RTX stream numbers its packets on its own
  uint64_t retransmissionsSent_ = 0;
  bool paused_ = true;  // docs/protocol.md: consumers start paused until the client resumes them
  bool producerPaused_ = false;
  bool waitingForKeyframe_ = false;  // single stream; a simulcast consumer's selector does this
  std::optional<LayerSelector> layers_;
  std::optional<int> preferredTemporalLayer_;
  int forwardedLayer_ = -1;
  std::optional<rtp::codecs::Vp8PictureRewriter> vp8_;  // simulcast VP8 only
  uint64_t packetsSent_ = 0;
  uint64_t bytesSent_ = 0;
  BitrateMeter sent_;
  std::vector<uint8_t> buffer_;  // reused for every packet: rewrite + SRTP happen in place
  std::vector<uint8_t> rtxBuffer_;
};

}  // namespace jb::sfu
