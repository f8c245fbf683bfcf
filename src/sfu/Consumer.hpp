#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtp/RtpPacket.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "rtp/rtcp/Packet.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/RetransmissionBudget.hpp"
#include "sfu/RetransmissionBuffer.hpp"
#include "sfu/RtpStreamRewriter.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

// One outgoing copy of one producer's stream to one receiving browser (mediasoup's SimpleConsumer).
// Rewrites SSRC, payload type, header extension ids, sequence numbers and timestamps, and answers the
// receiver's NACKs from the producer's retransmission buffer (as RTX when the receiver negotiated it).
class Consumer {
 public:
  using Clock = std::chrono::steady_clock;

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onConsumerKeyframeRequest(Consumer& consumer) = 0;
    // The buffer of the producer this consumer currently follows, or null (audio, or it is gone).
    virtual const RetransmissionBuffer* retransmissionSourceOf(Consumer& consumer) = 0;
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

  void pause();
  void resume();  // also asks for a keyframe: the receiver cannot decode from mid-GOP
  void setProducerPaused(bool paused);

  void sendRtp(const rtp::RtpPacket& packet);
  void sendSenderReport(const rtp::rtcp::SenderReport& producerReport);
  // A Generic NACK (RFC 4585 §6.2.1) from the receiving browser, naming our sequence numbers.
  void receiveNack(const rtp::rtcp::Nack& nack, Clock::time_point now);
  // A keyframe request (PLI/FIR) from the receiving browser.
  void receiveKeyframeRequest();
  // The receiving transport just became able to send: start the stream again at a keyframe.
  void restartFromKeyframe();

  uint64_t packetsSent() const { return packetsSent_; }
  uint64_t bytesSent() const { return bytesSent_; }
  uint64_t retransmissionsSent() const { return retransmissionsSent_; }

 private:
  bool active() const { return !paused_ && !producerPaused_; }
  bool isKeyframe(const rtp::RtpPacket& packet) const;
  // Copies `source` (a producer packet) into buffer_ and rewrites it for our receiver.
  std::optional<rtp::RtpPacket> rewriteIntoBuffer(std::span<const uint8_t> source, uint16_t sequenceNumber,
                                                  uint32_t timestamp);
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
  bool waitingForKeyframe_ = false;
  uint64_t packetsSent_ = 0;
  uint64_t bytesSent_ = 0;
  std::vector<uint8_t> buffer_;  // reused for every packet: rewrite + SRTP happen in place
  std::vector<uint8_t> rtxBuffer_;
};

}  // namespace jb::sfu
