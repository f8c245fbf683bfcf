#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sfu/ActiveSpeakerObserver.hpp"
#include "sfu/AudioTap.hpp"
#include "sfu/Consumer.hpp"
#include "sfu/PeerLimits.hpp"
#include "sfu/Producer.hpp"
#include "sfu/SynthesizedAudioSource.hpp"
#include "sfu/TransportHost.hpp"
#include "sfu/WebRtcTransport.hpp"

namespace jb::sfu {

// The media side of one room on one worker. Every call names the acting peer, and any id that peer
// does not own is "not_found": ownership is checked here, where the objects live.
class Router final : private Producer::Listener, private Consumer::Listener {
 public:
  struct ClosedConsumer {
    std::string consumerId;
    std::string peerId;  // whose consumer it was
    std::string producerId;
  };
  struct ClosedProducer {
    std::string producerId;
    std::string peerId;
  };
  struct CloseReport {
    std::vector<ClosedProducer> producers;
    std::vector<ClosedConsumer> consumers;  // of *other* peers, whose clients must be told
  };
  struct ProducerInfo {
    std::string id;
    std::string peerId;
    MediaKind kind;
    std::string source;
    bool paused;
    std::string language;  // synthesized ("translation") producers: the language it speaks
  };
  // A simulcast consumer started forwarding another spatial layer (consumerLayersChanged).
  struct LayersChange {
    std::string consumerId;
    std::string peerId;  // whose consumer it is
    int spatialLayer = 0;
  };
  using LayersChangedHandler = std::function<void(const LayersChange&)>;
  struct ExpiredConsent {
    std::string peerId;
    std::string transportId;  // the first of the peer's transports found without consent
  };

  Router(std::string roomId, TransportHost& host, PeerLimits limits = {});
  ~Router() override;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  const std::string& roomId() const { return roomId_; }
  // Where the worker hooks in to hear about dominant speaker changes and speaking levels.
  ActiveSpeakerObserver& speakers() { return speakers_; }
  // Audio producers created after this are copied to `tap` (the translation pipeline); null: none.
  void setAudioTap(AudioTap* tap) { tap_ = tap; }
  // Told every time a simulcast consumer switches layer (worker thread; it must not call back in).
  void setLayersChangedHandler(LayersChangedHandler handler) { layersChanged_ = std::move(handler); }

  nlohmann::json createWebRtcTransport(const std::string& peerId);
  void connectWebRtcTransport(const std::string& peerId, const std::string& transportId,
                              const nlohmann::json& dtlsParameters);
  // ICE restart (RFC 8445 §9) of one of the peer's transports: its new iceParameters.
  nlohmann::json restartIce(const std::string& peerId, const std::string& transportId);
  ProducerInfo produce(const std::string& peerId, const std::string& transportId, MediaKind kind,
                       const nlohmann::json& rtpParameters, const std::string& source);
  void setProducerPaused(const std::string& peerId, const std::string& producerId, bool paused);
  CloseReport closeProducer(const std::string& peerId, const std::string& producerId);
  nlohmann::json consume(const std::string& peerId, const std::string& transportId,
                         const std::string& producerId, const nlohmann::json& rtpCapabilities);
  void setConsumerPaused(const std::string& peerId, const std::string& consumerId, bool paused);
  // The receiver's choice of simulcast layer (0 = lowest). Throws RequestError for an audio consumer
  // or a layer out of range; a single-stream video consumer ignores it.
  void setConsumerPreferredLayers(const std::string& peerId, const std::string& consumerId, int spatialLayer,
                                  std::optional<int> temporalLayer);
  // A producer for the translated voice of `speakerPeerId` in `language`; it belongs to the speaker
  // (closed with the speaker) and plays what playSynthesized() queues.
  ProducerInfo createSynthesizedProducer(const std::string& speakerPeerId, const std::string& language);
  // False if the producer is gone (its speaker left meanwhile): the audio is dropped.
  bool playSynthesized(const std::string& producerId, std::vector<std::vector<uint8_t>> opusFrames);
  CloseReport closePeer(const std::string& peerId);
  // Lets every transport check its ICE consent (RFC 7675); lists each peer with at least one transport
  // whose consent just expired, once. The caller decides what to close.
  std::vector<ExpiredConsent> checkConsent(std::chrono::steady_clock::time_point now);
  void sendReceiverReports(std::chrono::steady_clock::time_point now);
  // The worker's periodic tick: NACKs that came due upstream without a packet arriving (a gap at the
  // end of a burst), and every kAllocationInterval the downlink share of each transport's simulcast
  // consumers (docs/media.md).
  void onTimer(std::chrono::steady_clock::time_point now);
  static constexpr auto kAllocationInterval = std::chrono::milliseconds(200);

  size_t transportCount() const { return transports_.size(); }
  size_t producerCount() const { return producers_.size(); }
  size_t consumerCount() const { return consumers_.size(); }

 private:
  void onProducerRtp(Producer& producer, const rtp::RtpPacket& packet, size_t layer) override;
  void onProducerSenderReport(Producer& producer, const rtp::rtcp::SenderReport& report,
                              size_t layer) override;
  void onConsumerKeyframeRequest(Consumer& consumer) override;
  const RetransmissionBuffer* retransmissionSourceOf(Consumer& consumer) override;
  void onConsumerLayersChanged(Consumer& consumer, int spatialLayer) override;
  std::optional<uint32_t> layerTimestampDelta(Consumer& consumer, size_t from, size_t to) override;
  // Gives `transport`'s simulcast consumers their layer caps from its DownlinkEstimate.
  void allocateDownlink(WebRtcTransport& transport, std::chrono::steady_clock::time_point now);

  WebRtcTransport& ownedTransport(const std::string& peerId, const std::string& transportId);
  Producer& ownedProducer(const std::string& peerId, const std::string& producerId);
  Consumer& ownedConsumer(const std::string& peerId, const std::string& consumerId);
  size_t countOwned(const std::string& peerId, size_t (*counter)(const WebRtcTransport&)) const;
  [[noreturn]] void rejectOverLimit(PeerLimitKind kind);
  void closeProducerInternal(Producer& producer, CloseReport& report);
  std::string newId();

  std::string roomId_;
  TransportHost& host_;
  AudioTap* tap_ = nullptr;
  std::map<std::string, uint64_t> tapStreamOfProducer_;
  std::map<std::string, std::unique_ptr<SynthesizedAudioSource>> synthesized_;
  PeerLimits limits_;
  std::map<std::string, std::unique_ptr<WebRtcTransport>> transports_;
  // Indexes over objects the transports own. Fan-out walks consumersByProducer_.
  std::map<std::string, Producer*> producers_;
  std::map<std::string, Consumer*> consumers_;
  std::map<std::string, WebRtcTransport*> transportOfConsumer_;
  std::map<std::string, WebRtcTransport*> transportOfProducer_;
  std::map<std::string, std::vector<Consumer*>> consumersByProducer_;
  LayersChangedHandler layersChanged_;
  std::chrono::steady_clock::time_point lastAllocation_{};
  ActiveSpeakerObserver speakers_;  // the room's dominant speaker (RFC 6464 audio levels)
};

}  // namespace jb::sfu
