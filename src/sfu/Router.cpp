#include "sfu/Router.hpp"

#include <algorithm>

#include "common/Random.hpp"
#include "common/RequestError.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/LayerAllocator.hpp"
#include "sfu/RouterCapabilities.hpp"

namespace jb::sfu {

using common::RequestError;
using nlohmann::json;

Router::Router(std::string roomId, TransportHost& host, PeerLimits limits)
    : roomId_(std::move(roomId)),
      host_(host),
      limits_(limits),
      speakers_(host.ioContext(), roomId_, host.counters()) {
  bump(host_.counters().routers);
}

Router::~Router() {
  if (tap_)
    for (const auto& [producerId, stream] : tapStreamOfProducer_) tap_->closeStream(stream);
  synthesized_.clear();
  // Consumers and producers point at us as their listener; drop indexes, then the owners.
  consumersByProducer_.clear();
  transports_.clear();
  bump(host_.counters().routers, -1);
}

void Router::rejectOverLimit(PeerLimitKind kind) {
  bump(host_.counters().limitRejections[static_cast<size_t>(kind)]);
  throw RequestError("limit_exceeded", "too many " + std::string(toString(kind)));
}

std::string Router::newId() {
  for (;;) {
    std::string id = common::randomToken(12);
    if (!transports_.contains(id) && !producers_.contains(id) && !consumers_.contains(id)) return id;
  }
}

size_t Router::countOwned(const std::string& peerId, size_t (*counter)(const WebRtcTransport&)) const {
  size_t n = 0;
  for (const auto& [id, t] : transports_)
    if (t->peerId() == peerId) n += counter(*t);
  return n;
}

WebRtcTransport& Router::ownedTransport(const std::string& peerId, const std::string& transportId) {
  auto it = transports_.find(transportId);
  if (it == transports_.end() || it->second->peerId() != peerId)
    throw RequestError("not_found", "transport " + transportId + " not found");
  return *it->second;
}

Producer& Router::ownedProducer(const std::string& peerId, const std::string& producerId) {
  auto it = producers_.find(producerId);
  if (it == producers_.end() || it->second->peerId() != peerId)
    throw RequestError("not_found", "producer " + producerId + " not found");
  return *it->second;
}

Consumer& Router::ownedConsumer(const std::string& peerId, const std::string& consumerId) {
  auto it = consumers_.find(consumerId);
  if (it == consumers_.end() || it->second->peerId() != peerId)
    throw RequestError("not_found", "consumer " + consumerId + " not found");
  return *it->second;
}

json Router::createWebRtcTransport(const std::string& peerId) {
  if (countOwned(peerId, [](const WebRtcTransport&) -> size_t { return 1; }) >= limits_.transports)
    rejectOverLimit(PeerLimitKind::Transports);
  std::string id = newId();
  auto transport = std::make_unique<WebRtcTransport>(id, roomId_, peerId, host_);
  json params = transport->localParameters();
  transports_[id] = std::move(transport);
  return params;
}

void Router::connectWebRtcTransport(const std::string& peerId, const std::string& transportId,
                                    const json& dtlsParameters) {
  ownedTransport(peerId, transportId).connect(dtlsParameters);
}

json Router::restartIce(const std::string& peerId, const std::string& transportId) {
  return ownedTransport(peerId, transportId).restartIce();
}

Router::ProducerInfo Router::produce(const std::string& peerId, const std::string& transportId,
                                     MediaKind kind, const json& rtpParametersJson,
                                     const std::string& source) {
  WebRtcTransport& transport = ownedTransport(peerId, transportId);
  if (countOwned(peerId, [](const WebRtcTransport& t) { return t.producers().size(); }) >= limits_.producers)
    rejectOverLimit(PeerLimitKind::Producers);
  RtpParameters rtpParameters = parseRtpParameters(rtpParametersJson);
  // One CNAME for every producer of a transport (as mediasoup does): the receivers group a sender's audio
  // and video by it (msid, lip sync), and a rid-simulcast camera has none of its own (no a=ssrc lines).
  std::string& cname = transport.producerCname();
  if (cname.empty()) cname = rtpParameters.cname.empty() ? common::randomToken(8) : rtpParameters.cname;
  rtpParameters.cname = cname;
  const RtpCodec& codec = primaryMediaCodec(rtpParameters);
  if ((kind == MediaKind::Audio) != codec.mimeType.starts_with("audio/") || !matchRouterCodec(codec))
    throw RequestError("unsupported", "codec " + codec.mimeType + " not supported for " + toString(kind));

  std::string id = newId();
  auto producer = std::make_unique<Producer>(id, peerId, kind, std::move(rtpParameters), source, transport,
                                             static_cast<Producer::Listener&>(*this), &host_.counters());
  Producer& ref = transport.addProducer(std::move(producer));
  producers_[id] = &ref;
  transportOfProducer_[id] = &transport;
  consumersByProducer_[id];
  if (tap_ && kind == MediaKind::Audio) tapStreamOfProducer_[id] = tap_->openStream({roomId_, id, peerId});
  return {id, peerId, kind, source, false, {}};
}

Router::ProducerInfo Router::createSynthesizedProducer(const std::string& speakerPeerId,
                                                       const std::string& language) {
  std::string id = newId();
  auto source = std::make_unique<SynthesizedAudioSource>(id, speakerPeerId, language, host_.ioContext(),
                                                         static_cast<Producer::Listener&>(*this));
  producers_[id] = &source->producer();
  consumersByProducer_[id];
  synthesized_[id] = std::move(source);
  return {id, speakerPeerId, MediaKind::Audio, "translation", false, language};
}

bool Router::playSynthesized(const std::string& producerId, std::vector<std::vector<uint8_t>> opusFrames) {
  auto it = synthesized_.find(producerId);
  if (it == synthesized_.end()) return false;
  it->second->play(std::move(opusFrames));
  return true;
}

void Router::setProducerPaused(const std::string& peerId, const std::string& producerId, bool paused) {
  Producer& producer = ownedProducer(peerId, producerId);
  if (producer.paused() == paused) return;
  producer.setPaused(paused);
  if (paused) speakers_.remove(producerId);  // a muted microphone stops counting at once
  for (Consumer* consumer : consumersByProducer_[producerId]) consumer->setProducerPaused(paused);
  if (auto tapped = tapStreamOfProducer_.find(producerId); tapped != tapStreamOfProducer_.end())
    tap_->setPaused(tapped->second, paused);
}

Router::CloseReport Router::closeProducer(const std::string& peerId, const std::string& producerId) {
  CloseReport report;
  closeProducerInternal(ownedProducer(peerId, producerId), report);
  return report;
}

void Router::closeProducerInternal(Producer& producer, CloseReport& report) {
  const std::string producerId = producer.id();
  report.producers.push_back({producerId, producer.peerId()});
  for (Consumer* consumer : consumersByProducer_[producerId]) {
    const std::string consumerId = consumer->id();
    report.consumers.push_back({consumerId, consumer->peerId(), producerId});
    WebRtcTransport* owner = transportOfConsumer_[consumerId];
    consumers_.erase(consumerId);
    transportOfConsumer_.erase(consumerId);
    owner->removeConsumer(consumerId);  // destroys it
  }
  consumersByProducer_.erase(producerId);
  speakers_.remove(producerId);
  if (auto tapped = tapStreamOfProducer_.find(producerId); tapped != tapStreamOfProducer_.end()) {
    tap_->closeStream(tapped->second);
    tapStreamOfProducer_.erase(tapped);
  }
  producers_.erase(producerId);
  if (synthesized_.erase(producerId)) return;  // destroys it; it had no transport
  WebRtcTransport* owner = transportOfProducer_[producerId];
  transportOfProducer_.erase(producerId);
  owner->removeProducer(producerId);
}

json Router::consume(const std::string& peerId, const std::string& transportId, const std::string& producerId,
                     const json& rtpCapabilities) {
  WebRtcTransport& transport = ownedTransport(peerId, transportId);
  auto it = producers_.find(producerId);
  if (it == producers_.end()) throw RequestError("not_found", "producer " + producerId + " not found");
  Producer& producer = *it->second;
  if (producer.peerId() == peerId) throw RequestError("invalid_request", "cannot consume your own producer");
  if (countOwned(peerId, [](const WebRtcTransport& t) { return t.consumers().size(); }) >= limits_.consumers)
    rejectOverLimit(PeerLimitKind::Consumers);

  // SSRCs are per transport; a random one almost never collides, and if it does we draw again.
  auto drawSsrc = [&transport](uint32_t other) {
    uint32_t ssrc;
    do {
      ssrc = common::randomUint32();
    } while (ssrc == 0 || ssrc == other ||
             std::any_of(transport.consumers().begin(), transport.consumers().end(), [&](const auto& c) {
               return c.second->ssrc() == ssrc || c.second->parameters().rtxSsrc == ssrc;
             }));
    return ssrc;
  };
  const uint32_t ssrc = drawSsrc(0);
  const uint32_t rtxSsrc = producer.kind() == MediaKind::Video ? drawSsrc(ssrc) : 0;

  ConsumerParameters params =
      buildConsumerParameters(producer.kind(), producer.rtpParameters(), rtpCapabilities, ssrc, rtxSsrc);
  params.rtpParameters.mid = transport.nextConsumerMid();
  json rtpParametersJson = toJson(params.rtpParameters);
  std::string id = newId();
  auto consumer = std::make_unique<Consumer>(id, peerId, producerId, producer.kind(), std::move(params),
                                             producer.paused(), transport,
                                             static_cast<Consumer::Listener&>(*this), &host_.counters());
  Consumer& ref = transport.addConsumer(std::move(consumer));
  consumers_[id] = &ref;
  transportOfConsumer_[id] = &transport;
  consumersByProducer_[producerId].push_back(&ref);
  if (ref.simulcast()) {
    // Start from the layers arriving now; the downlink share follows on the next allocation.
    std::vector<bool> active;
    for (const auto& layer : producer.layerStates(std::chrono::steady_clock::now()))
      active.push_back(layer.active);
    ref.updateLayers(active, static_cast<int>(producer.layerCount()) - 1);
  }
  return {{"id", id},
          {"producerId", producerId},
          {"kind", toString(producer.kind())},
          {"type", ref.simulcast() ? "simulcast" : "simple"},
          {"rtpParameters", rtpParametersJson},
          {"producerPaused", producer.paused()}};
}

void Router::setConsumerPaused(const std::string& peerId, const std::string& consumerId, bool paused) {
  Consumer& consumer = ownedConsumer(peerId, consumerId);
  if (paused)
    consumer.pause();
  else
    consumer.resume();
}

void Router::setConsumerPreferredLayers(const std::string& peerId, const std::string& consumerId,
                                        int spatialLayer, std::optional<int> temporalLayer) {
  Consumer& consumer = ownedConsumer(peerId, consumerId);
  if (consumer.kind() != MediaKind::Video)
    throw RequestError("invalid_request", "consumer " + consumerId + " is audio; only video has layers");
  if (spatialLayer < 0 || spatialLayer > 2)
    throw RequestError("invalid_request", "data.spatialLayer: expected 0..2");
  if (temporalLayer && (*temporalLayer < 0 || *temporalLayer > 2))
    throw RequestError("invalid_request", "data.temporalLayer: expected 0..2");
  if (!consumer.simulcast()) return;  // one stream: nothing to choose
  consumer.setPreferredLayers(spatialLayer, temporalLayer);
  // Apply it now rather than at the next allocation round.
  if (auto it = transportOfConsumer_.find(consumerId); it != transportOfConsumer_.end())
    allocateDownlink(*it->second, std::chrono::steady_clock::now());
}

Router::CloseReport Router::closePeer(const std::string& peerId) {
  CloseReport report;
  std::vector<Producer*> voices;
  for (const auto& [id, source] : synthesized_)
    if (source->producer().peerId() == peerId) voices.push_back(&source->producer());
  for (Producer* voice : voices) closeProducerInternal(*voice, report);
  std::vector<std::string> owned;
  for (const auto& [id, t] : transports_)
    if (t->peerId() == peerId) owned.push_back(id);
  for (const std::string& transportId : owned) {
    WebRtcTransport& transport = *transports_[transportId];
    std::vector<Producer*> producers;
    for (const auto& [id, p] : transport.producers()) producers.push_back(p.get());
    for (Producer* p : producers) closeProducerInternal(*p, report);
    for (const auto& [consumerId, consumer] : transport.consumers()) {
      auto& list = consumersByProducer_[consumer->producerId()];
      list.erase(std::remove(list.begin(), list.end(), consumer.get()), list.end());
      consumers_.erase(consumerId);
      transportOfConsumer_.erase(consumerId);
    }
    transports_.erase(transportId);
  }
  // The peer's own consumers died with it; only other peers need consumerClosed.
  std::erase_if(report.consumers, [&](const ClosedConsumer& c) { return c.peerId == peerId; });
  return report;
}

void Router::sendReceiverReports(std::chrono::steady_clock::time_point now) {
  for (auto& [id, transport] : transports_) transport->sendReceiverReports(now);
}

void Router::onTimer(std::chrono::steady_clock::time_point now) {
  for (const auto& [id, producer] : producers_) producer->sendDueNacks(now);
  if (now - lastAllocation_ < kAllocationInterval) return;
  lastAllocation_ = now;
  for (const auto& [id, transport] : transports_) allocateDownlink(*transport, now);
}

void Router::allocateDownlink(WebRtcTransport& transport, std::chrono::steady_clock::time_point now) {
  std::vector<Consumer*> consumers;
  std::vector<LayerDemand> demands;
  std::vector<std::vector<bool>> arriving;
  uint64_t others = 0;  // what the transport's other consumers (audio, single-stream video) send
  for (const auto& [id, consumer] : transport.consumers()) {
    if (!consumer->simulcast()) {
      others += consumer->sendingBitrate(now);
      continue;
    }
    auto producer = producers_.find(consumer->producerId());
    if (producer == producers_.end()) continue;
    LayerDemand demand;
    std::vector<bool> active;
    for (const auto& layer : producer->second->layerStates(now)) {
      demand.layers.push_back({layer.active, layer.bitrate});
      active.push_back(layer.active);
    }
    if (!consumer->active()) {
      // Not sending: no share of the budget, but keep its view of the layers current.
      consumer->updateLayers(active, consumer->layers()->maxAllowed());
      continue;
    }
    demand.preferred = consumer->layers()->preferred();
    demand.current = consumer->layers()->current();
    consumers.push_back(consumer.get());
    demands.push_back(std::move(demand));
    arriving.push_back(std::move(active));
  }
  if (consumers.empty()) return;
  std::optional<uint64_t> budget = transport.downlink().available(now);
  if (budget) *budget = *budget > others ? *budget - others : 0;
  const std::vector<int> caps = allocateLayers(demands, budget);
  for (size_t i = 0; i < consumers.size(); ++i) consumers[i]->updateLayers(arriving[i], caps[i]);
}

std::vector<Router::ExpiredConsent> Router::checkConsent(std::chrono::steady_clock::time_point now) {
  std::vector<ExpiredConsent> expired;
  for (const auto& [id, transport] : transports_) {
    if (!transport->checkConsent(now)) continue;
    bool listed = std::any_of(expired.begin(), expired.end(),
                              [&t = transport](const ExpiredConsent& e) { return e.peerId == t->peerId(); });
    if (!listed) expired.push_back({transport->peerId(), id});
  }
  return expired;
}

void Router::onProducerRtp(Producer& producer, const rtp::RtpPacket& packet, size_t layer) {
  // Audio levels (RFC 6464) of the packets we forward: paused producers' packets never get here.
  if (producer.kind() == MediaKind::Audio)
    speakers_.onAudio(producer, packet, std::chrono::steady_clock::now());
  if (tap_ && producer.kind() == MediaKind::Audio) {
    if (auto tapped = tapStreamOfProducer_.find(producer.id()); tapped != tapStreamOfProducer_.end())
      tap_->push(tapped->second, packet);
  }
  auto it = consumersByProducer_.find(producer.id());
  if (it == consumersByProducer_.end()) return;
  for (Consumer* consumer : it->second) consumer->sendRtp(packet, layer);
}

void Router::onProducerSenderReport(Producer& producer, const rtp::rtcp::SenderReport& report, size_t layer) {
  auto it = consumersByProducer_.find(producer.id());
  if (it == consumersByProducer_.end()) return;
  for (Consumer* consumer : it->second) consumer->sendSenderReport(report, layer);
}

void Router::onConsumerKeyframeRequest(Consumer& consumer) {
  if (auto it = producers_.find(consumer.producerId()); it != producers_.end())
    it->second->requestKeyframe(consumer.keyframeLayer());
}

const RetransmissionBuffer* Router::retransmissionSourceOf(Consumer& consumer) {
  auto it = producers_.find(consumer.producerId());
  return it == producers_.end() ? nullptr : it->second->retransmissionBuffer(consumer.forwardedLayer());
}

void Router::onConsumerLayersChanged(Consumer& consumer, int spatialLayer) {
  bump(host_.counters().layerSwitches);
  if (layersChanged_) layersChanged_({consumer.id(), consumer.peerId(), spatialLayer});
}

std::optional<uint32_t> Router::layerTimestampDelta(Consumer& consumer, size_t from, size_t to) {
  auto it = producers_.find(consumer.producerId());
  return it == producers_.end() ? std::nullopt : it->second->timestampDelta(from, to);
}

}  // namespace jb::sfu
