#include "JbCallingSetup.hpp"

#include "common/Random.hpp"

namespace jb::bench {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

// Transports of our SFU: created over signaling, then ICE + DTLS from our side. Bodies are built in
// named variables: GCC 12 rejects braced temporaries that live across co_await.
asio::awaitable<std::string> openTransport(LoadPeer& peer, SetupContext& context, std::string direction,
                                           std::unique_ptr<MediaTransport>& out) {
  json createBody = {{"direction", direction}};
  json params = co_await peer.signaling->request("createWebRtcTransport", std::move(createBody));
  out = std::make_unique<MediaTransport>(context.io, context.certificate, context.bindAddress,
                                         context.receiveBatch);
  std::string id = params["id"];
  json connectBody = {{"transportId", id}, {"dtlsParameters", out->localDtlsParameters()}};
  co_await peer.signaling->request("connectWebRtcTransport", std::move(connectBody));
  MediaTransport::Remote remote;
  remote.usernameFragment = params["iceParameters"]["usernameFragment"];
  remote.password = params["iceParameters"]["password"];
  const json& candidate = params["iceCandidates"][0];
  remote.endpoint = asio::ip::udp::endpoint(asio::ip::make_address(candidate["ip"].get<std::string>()),
                                            candidate["port"].get<uint16_t>());
  for (const json& fp : params["dtlsParameters"]["fingerprints"])
    remote.fingerprints.push_back({fp["algorithm"], fp["value"]});
  co_await connectTransport(*out, std::move(remote), peer.name + " " + direction + " transport");
  co_return id;
}

json produceParameters(bool video, uint32_t ssrc, const std::string& cname) {
  json codec =
      video ? json{{"mimeType", "video/VP8"}, {"payloadType", 96}, {"clockRate", 90000}}
            : json{{"mimeType", "audio/opus"}, {"payloadType", 111}, {"clockRate", 48000}, {"channels", 2}};
  codec["parameters"] = json::object();
  codec["rtcpFeedback"] = json::array();
  return {{"mid", video ? "1" : "0"},
          {"codecs", json::array({codec})},
          {"headerExtensions", json::array()},
          {"encodings", json::array({{{"ssrc", ssrc}}})},
          {"rtcp", {{"cname", cname}, {"reducedSize", true}}}};
}

}  // namespace

asio::awaitable<void> joinJbCalling(LoadPeer& peer, const std::string& roomId, const std::string& host,
                                    uint16_t port, SetupContext& context) {
  peer.signaling = std::make_unique<SignalingConnection>(context.io.get_executor());
  co_await peer.signaling->connect(host, port);
  json capsResponse = co_await peer.signaling->request("getRouterRtpCapabilities", json::object());
  json joinBody = {
      {"roomId", roomId}, {"displayName", peer.name}, {"rtpCapabilities", capsResponse["rtpCapabilities"]}};
  co_await peer.signaling->request("join", std::move(joinBody));
  peer.recvTransports.emplace_back();
  peer.recvTransportId = co_await openTransport(peer, context, "recv", peer.recvTransports.back());
  attachReceiver(peer, *peer.recvTransports.back());
  if (!peer.publisher) co_return;

  peer.sendTransportId = co_await openTransport(peer, context, "send", peer.sendTransport);
  const std::string cname = common::randomToken(8);
  for (int v = 0; v < 2; ++v) {
    const bool video = v == 1;
    if ((video && !context.video) || (!video && !context.audio)) continue;
    const uint32_t ssrc = common::randomUint32() | 1;
    json produceBody = {{"transportId", peer.sendTransportId},
                        {"kind", video ? "video" : "audio"},
                        {"rtpParameters", produceParameters(video, ssrc, cname)},
                        {"appData", {{"source", video ? "webcam" : "mic"}}}};
    json produced = co_await peer.signaling->request("produce", std::move(produceBody));
    peer.producerIds.push_back(produced["id"]);
    peer.streams.push_back(
        std::make_unique<SyntheticStream>(streamConfig(video, ssrc, video ? 96 : 111, context)));
  }
}

asio::awaitable<void> consumeJbCalling(LoadPeer& peer, const std::vector<LoadPeer*>& room) {
  for (LoadPeer* other : room) {
    if (other == &peer) continue;
    for (const std::string& producerId : other->producerIds) {
      json consumeBody = {{"transportId", peer.recvTransportId}, {"producerId", producerId}};
      json consumer = co_await peer.signaling->request("consume", std::move(consumeBody));
      json resumeBody = {{"consumerId", consumer["id"]}};
      co_await peer.signaling->request("resumeConsumer", std::move(resumeBody));
    }
  }
}

}  // namespace jb::bench
