#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtp/RtpPacket.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "rtp/rtcp/Packet.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/RtpStreamRewriter.hpp"

namespace jb::sfu {

// One outgoing copy of one producer's stream to one receiving browser (mediasoup's SimpleConsumer).
// Rewrites SSRC, payload type, header extension ids, sequence numbers and timestamps.
class Consumer {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onConsumerKeyframeRequest(Consumer& consumer) = 0;
  };

  Consumer(std::string id, std::string peerId, std::string producerId, MediaKind kind,
           ConsumerParameters parameters, bool producerPaused, PacketSink& sink, Listener& listener);

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
  // A keyframe request (PLI/FIR) from the receiving browser.
  void receiveKeyframeRequest();
  // The receiving transport just became able to send: start the stream again at a keyframe.
  void restartFromKeyframe();

  uint64_t packetsSent() const { return packetsSent_; }
  uint64_t bytesSent() const { return bytesSent_; }

 private:
  bool active() const { return !paused_ && !producerPaused_; }
  bool isKeyframe(const rtp::RtpPacket& packet) const;

  std::string id_;
  std::string peerId_;
  std::string producerId_;
  MediaKind kind_;
  ConsumerParameters parameters_;
  PacketSink& sink_;
  Listener& listener_;
  RtpStreamRewriter rewriter_;
  bool paused_ = true;  // docs/protocol.md: consumers start paused until the client resumes them
  bool producerPaused_ = false;
  bool waitingForKeyframe_ = false;
  uint64_t packetsSent_ = 0;
  uint64_t bytesSent_ = 0;
  std::vector<uint8_t> buffer_;  // reused for every packet: rewrite + SRTP happen in place
};

}  // namespace jb::sfu
