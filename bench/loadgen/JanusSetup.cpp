#include "JanusSetup.hpp"

#include "Sdp.hpp"
#include "common/Random.hpp"

namespace jb::bench {

namespace asio = boost::asio;
using nlohmann::json;

namespace {

LocalIdentity identityOf(const MediaTransport& transport, SetupContext& context, const std::string& cname) {
  return {transport.localUsernameFragment(), transport.localPassword(),
          context.certificate->fingerprintSha256(), transport.localEndpoint(), cname};
}

MediaTransport::Remote remoteOf(const SessionDescription& sdp, dtls::DtlsTransport::Role localRole) {
  MediaTransport::Remote remote;
  remote.usernameFragment = sdp.iceUfrag;
  remote.password = sdp.icePassword;
  remote.fingerprints.push_back({sdp.fingerprintAlgorithm, sdp.fingerprint});
  remote.endpoint = sdp.candidate;
  remote.localDtlsRole = localRole;
  return remote;
}

}  // namespace

asio::awaitable<uint64_t> createJanusRoom(JanusClient& janus) {
  uint64_t handle = co_await janus.attachVideoRoom();
  const uint64_t room = 100000 + common::randomUint32() % 900000;
  json body = {{"request", "create"},   {"room", room},         {"publishers", 64},
               {"bitrate", 10'000'000}, {"audiocodec", "opus"}, {"videocodec", "vp8"}};
  co_await janus.pluginRequest(handle, std::move(body));
  co_return room;
}

asio::awaitable<void> publishJanus(LoadPeer& peer, JanusClient& janus, uint64_t room, SetupContext& context) {
  const uint64_t handle = co_await janus.attachVideoRoom();
  peer.sendTransport = std::make_unique<MediaTransport>(context.io, context.certificate, context.bindAddress,
                                                        context.receiveBatch);
  const uint32_t audioSsrc = common::randomUint32() | 1, videoSsrc = common::randomUint32() | 1;
  std::string offer = writePublisherOffer(identityOf(*peer.sendTransport, context, common::randomToken(8)),
                                          audioSsrc, videoSsrc);
  json body = {
      {"request", "joinandconfigure"}, {"room", room}, {"ptype", "publisher"}, {"display", peer.name}};
  json jsep = {{"type", "offer"}, {"sdp", offer}};
  json event = co_await janus.pluginMessage(handle, std::move(body), std::move(jsep));
  peer.janusFeedId = event["plugindata"]["data"]["id"].get<uint64_t>();
  SessionDescription answer = parseSdp(event["jsep"]["sdp"].get<std::string>());
  // RFC 8842: Janus answers a=setup:active, so it is the DTLS client and we the server.
  auto role =
      answer.setup == "active" ? dtls::DtlsTransport::Role::Server : dtls::DtlsTransport::Role::Client;
  co_await connectTransport(*peer.sendTransport, remoteOf(answer, role), peer.name + " publisher transport");
  if (context.audio)
    peer.streams.push_back(std::make_unique<SyntheticStream>(streamConfig(false, audioSsrc, 111, context)));
  if (context.video)
    peer.streams.push_back(std::make_unique<SyntheticStream>(streamConfig(true, videoSsrc, 96, context)));
}

asio::awaitable<void> subscribeJanus(LoadPeer& peer, JanusClient& janus, uint64_t room,
                                     const std::vector<LoadPeer*>& members, SetupContext& context) {
  for (LoadPeer* other : members) {
    if (other == &peer || !other->publisher) continue;
    const uint64_t handle = co_await janus.attachVideoRoom();
    json body = {{"request", "join"},
                 {"room", room},
                 {"ptype", "subscriber"},
                 {"streams", json::array({{{"feed", other->janusFeedId}}})}};
    json event = co_await janus.pluginMessage(handle, std::move(body), nullptr);
    SessionDescription offer = parseSdp(event["jsep"]["sdp"].get<std::string>());
    peer.recvTransports.push_back(std::make_unique<MediaTransport>(
        context.io, context.certificate, context.bindAddress, context.receiveBatch));
    MediaTransport& transport = *peer.recvTransports.back();
    attachReceiver(peer, transport);
    std::string answer = writeSubscriberAnswer(identityOf(transport, context, common::randomToken(8)), offer);
    // We answer a=setup:active: we are the DTLS client.
    auto remote = remoteOf(offer, dtls::DtlsTransport::Role::Client);
    json startBody = {{"request", "start"}};
    json jsep = {{"type", "answer"}, {"sdp", answer}};
    co_await janus.pluginMessage(handle, std::move(startBody), std::move(jsep));
    co_await connectTransport(transport, std::move(remote), peer.name + " subscriber transport");
  }
}

}  // namespace jb::bench
