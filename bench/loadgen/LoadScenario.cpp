#include "LoadScenario.hpp"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <memory>
#include <vector>

#include "MediaTransport.hpp"
#include "ProcessSampler.hpp"
#include "ReceiverStats.hpp"
#include "SignalingConnection.hpp"
#include "SyntheticStream.hpp"
#include "common/Random.hpp"
#include "dtls/Certificate.hpp"
#include "rtp/RtpPacket.hpp"

namespace jb::bench {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

struct PublishedTrack {
  std::string producerId;
  std::string kind;
};

struct Peer {
  std::string name;
  std::string roomId;
  bool publisher = false;
  std::unique_ptr<SignalingConnection> signaling;
  std::unique_ptr<MediaTransport> sendTransport;
  std::unique_ptr<MediaTransport> recvTransport;
  std::string sendTransportId;
  std::string recvTransportId;
  std::vector<std::unique_ptr<SyntheticStream>> streams;
  std::vector<PublishedTrack> published;
  std::map<uint32_t, uint32_t> clockRateBySsrc;
  ReceiverStats stats;
};

awaitable<void> sleepFor(std::chrono::milliseconds d) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(use_awaitable);
}

// Creates a transport on the server and brings ICE + DTLS up on our side.
awaitable<std::pair<std::string, std::unique_ptr<MediaTransport>>> openTransport(
    Peer& peer, asio::io_context& io, const std::shared_ptr<const dtls::Certificate>& certificate,
    std::string direction) {
  json createBody = {{"direction", direction}};
  json params = co_await peer.signaling->request("createWebRtcTransport", std::move(createBody));
  auto transport = std::make_unique<MediaTransport>(io, certificate);
  std::string id = params["id"];
  json connectBody = {{"transportId", id}, {"dtlsParameters", transport->localDtlsParameters()}};
  co_await peer.signaling->request("connectWebRtcTransport", std::move(connectBody));
  bool done = false, ok = false;
  transport->start(params, [&](bool success) {
    done = true;
    ok = success;
  });
  for (int i = 0; i < 1000 && !done; ++i) co_await sleepFor(10ms);
  if (!ok) throw std::runtime_error(peer.name + ": " + direction + " transport did not connect (ICE/DTLS)");
  co_return std::make_pair(id, std::move(transport));
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

awaitable<void> setUpPeer(Peer& peer, asio::io_context& io, const ScenarioOptions& options,
                          const std::shared_ptr<const dtls::Certificate>& certificate) {
  peer.signaling = std::make_unique<SignalingConnection>(io.get_executor());
  co_await peer.signaling->connect(options.host, options.port);
  json capsResponse = co_await peer.signaling->request("getRouterRtpCapabilities", json::object());
  json joinBody = {{"roomId", peer.roomId},
                   {"displayName", peer.name},
                   {"rtpCapabilities", capsResponse["rtpCapabilities"]}};
  co_await peer.signaling->request("join", std::move(joinBody));
  auto [recvId, recv] = co_await openTransport(peer, io, certificate, "recv");
  peer.recvTransportId = recvId;
  peer.recvTransport = std::move(recv);
  Peer* self = &peer;
  peer.recvTransport->onRtp([self](const uint8_t* data, size_t length) {
    auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(const_cast<uint8_t*>(data), length));
    if (!packet) return;
    auto payload = packet->payload();
    PayloadStamp stamp{};
    if (!readPayloadStamp(payload.data(), payload.size(), stamp)) return;
    auto rate = self->clockRateBySsrc.find(packet->ssrc());
    self->stats.record(packet->ssrc(), stamp.sequence, stamp.sentAtNs, steadyNowNs(), packet->timestamp(),
                       rate == self->clockRateBySsrc.end() ? 90000 : rate->second);
  });
  if (!peer.publisher) co_return;

  auto [sendId, send] = co_await openTransport(peer, io, certificate, "send");
  peer.sendTransportId = sendId;
  peer.sendTransport = std::move(send);
  const std::string cname = common::randomToken(8);
  for (int v = 0; v < 2; ++v) {
    const bool video = v == 1;
    if ((video && !options.video) || (!video && !options.audio)) continue;
    uint32_t ssrc = common::randomUint32() | 1;
    SyntheticStream::Config config;
    config.video = video;
    config.ssrc = ssrc;
    config.payloadType = video ? 96 : 111;
    config.bitrateBps = options.videoBitrateBps;
    json produceBody = {{"transportId", peer.sendTransportId},
                        {"kind", video ? "video" : "audio"},
                        {"rtpParameters", produceParameters(video, ssrc, cname)},
                        {"appData", {{"source", video ? "webcam" : "mic"}}}};
    json produced = co_await peer.signaling->request("produce", std::move(produceBody));
    peer.published.push_back({produced["id"], video ? "video" : "audio"});
    peer.streams.push_back(std::make_unique<SyntheticStream>(config));
  }
}

awaitable<void> consumeRoom(Peer& peer, const std::vector<Peer*>& roomPeers) {
  for (Peer* other : roomPeers) {
    if (other == &peer) continue;
    for (const PublishedTrack& track : other->published) {
      json consumeBody = {{"transportId", peer.recvTransportId}, {"producerId", track.producerId}};
      json consumer = co_await peer.signaling->request("consume", std::move(consumeBody));
      uint32_t ssrc = consumer["rtpParameters"]["encodings"][0]["ssrc"];
      peer.clockRateBySsrc[ssrc] = consumer["rtpParameters"]["codecs"][0]["clockRate"];
      json resumeBody = {{"consumerId", consumer["id"]}};
      co_await peer.signaling->request("resumeConsumer", std::move(resumeBody));
    }
  }
}

awaitable<void> sendLoop(std::vector<std::unique_ptr<Peer>>& peers, const bool& stop) {
  std::vector<std::vector<uint8_t>> due;
  while (!stop) {
    auto now = SyntheticStream::Clock::now();
    for (auto& peer : peers) {
      for (auto& stream : peer->streams) {
        due.clear();
        stream->packetsDue(now, due);
        for (auto& packet : due) peer->sendTransport->sendRtp(packet);
      }
    }
    co_await sleepFor(5ms);
  }
}

}  // namespace

json runScenario(const ScenarioOptions& options) {
  asio::io_context io{1};
  auto certificate = dtls::Certificate::generate();
  std::vector<std::unique_ptr<Peer>> peers;
  std::map<std::string, std::vector<Peer*>> rooms;
  const std::string runId = common::randomToken(6);
  for (unsigned r = 0; r < options.rooms; ++r) {
    const std::string roomId = "load-" + runId + "-" + std::to_string(r);
    for (unsigned i = 0; i < options.publishers + options.subscribers; ++i) {
      auto peer = std::make_unique<Peer>();
      peer->roomId = roomId;
      peer->publisher = i < options.publishers;
      peer->name = fmt::format("{}{}-r{}", peer->publisher ? "pub" : "sub", i, r);
      rooms[roomId].push_back(peer.get());
      peers.push_back(std::move(peer));
    }
  }

  json report;
  std::string error;
  bool stopSending = false;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        try {
          const auto setupStart = std::chrono::steady_clock::now();
          for (auto& peer : peers) co_await setUpPeer(*peer, io, options, certificate);
          for (auto& [roomId, members] : rooms)
            for (Peer* peer : members) co_await consumeRoom(*peer, members);
          const double setupSeconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - setupStart).count();
          for (auto& peer : peers) asio::co_spawn(io, peer->signaling->drain(), asio::detached);
          asio::co_spawn(io, sendLoop(peers, stopSending), asio::detached);

          co_await sleepFor(std::chrono::duration_cast<std::chrono::milliseconds>(options.warmup));
          for (auto& peer : peers) peer->stats.startMeasuring();
          auto serverBefore = options.serverPid ? sampleProcess(*options.serverPid) : std::nullopt;
          const double ownBefore = ownCpuSeconds();
          uint64_t sentBefore = 0;
          for (auto& peer : peers)
            for (auto& s : peer->streams) sentBefore += s->packetsSent();

          co_await sleepFor(std::chrono::duration_cast<std::chrono::milliseconds>(options.duration));
          auto serverAfter = options.serverPid ? sampleProcess(*options.serverPid) : std::nullopt;
          const double ownAfter = ownCpuSeconds();
          uint64_t sentAfter = 0;
          for (auto& peer : peers)
            for (auto& s : peer->streams) sentAfter += s->packetsSent();
          stopSending = true;
          co_await sleepFor(300ms);  // let in-flight packets land before counting loss

          uint64_t received = 0, expected = 0;
          std::vector<double> latencies;
          double jitterSum = 0;
          size_t receivers = 0;
          for (auto& peer : peers) {
            received += peer->stats.packetsReceived();
            expected += peer->stats.packetsExpected();
            latencies.insert(latencies.end(), peer->stats.latenciesUs().begin(),
                             peer->stats.latenciesUs().end());
            if (peer->stats.packetsReceived()) {
              jitterSum += peer->stats.meanJitterMs();
              ++receivers;
            }
          }
          const double seconds = static_cast<double>(options.duration.count());
          report = {{"scenario",
                     {{"rooms", options.rooms},
                      {"publishersPerRoom", options.publishers},
                      {"subscribersPerRoom", options.subscribers},
                      {"durationSeconds", options.duration.count()},
                      {"videoBitrateBps", options.videoBitrateBps}}},
                    {"setupSeconds", setupSeconds},
                    {"packetsSent", sentAfter - sentBefore},
                    {"packetsReceived", received},
                    {"packetsExpected", expected},
                    {"lossPercent",
                     expected ? 100.0 * static_cast<double>(expected - std::min(expected, received)) /
                                    static_cast<double>(expected)
                              : 0.0},
                    {"forwardedPacketsPerSecond", static_cast<double>(received) / seconds},
                    {"latencyUs",
                     {{"p50", percentile(latencies, 0.50)},
                      {"p95", percentile(latencies, 0.95)},
                      {"p99", percentile(latencies, 0.99)}}},
                    {"jitterMsMean", receivers ? jitterSum / static_cast<double>(receivers) : 0.0},
                    {"generatorCpuPercent", 100.0 * (ownAfter - ownBefore) / seconds}};
          if (serverBefore && serverAfter) {
            const double cpu = serverAfter->cpuSeconds - serverBefore->cpuSeconds;
            report["server"] = {
                {"cpuSeconds", cpu},
                {"cpuPercent", 100.0 * cpu / seconds},
                {"usPerForwardedPacket", received ? cpu * 1e6 / static_cast<double>(received) : 0.0},
                {"rssMiB", serverAfter->rssMiB},
                {"peakRssMiB", serverAfter->peakRssMiB}};
          }
        } catch (const std::exception& e) {
          error = e.what();
        }
        stopSending = true;
        for (auto& peer : peers) {
          if (peer->sendTransport) peer->sendTransport->close();
          if (peer->recvTransport) peer->recvTransport->close();
          if (peer->signaling) peer->signaling->close();
        }
        io.stop();
      },
      asio::detached);
  io.run();
  if (!error.empty()) throw std::runtime_error(error);
  return report;
}

std::string formatReport(const json& r) {
  std::string out;
  const json& s = r["scenario"];
  out += fmt::format("scenario: {} room(s) x ({} publishers + {} subscribers), {} s, video {} kbps\n",
                     s["rooms"].get<int>(), s["publishersPerRoom"].get<int>(),
                     s["subscribersPerRoom"].get<int>(), s["durationSeconds"].get<int>(),
                     s["videoBitrateBps"].get<int>() / 1000);
  out += fmt::format("setup: {:.2f} s\n", r["setupSeconds"].get<double>());
  out += fmt::format("{:<28}{:>14}\n", "packets sent", r["packetsSent"].get<uint64_t>());
  out += fmt::format("{:<28}{:>14}\n", "packets received", r["packetsReceived"].get<uint64_t>());
  out +=
      fmt::format("{:<28}{:>14.1f}\n", "forwarded packets/s", r["forwardedPacketsPerSecond"].get<double>());
  out += fmt::format("{:<28}{:>14.3f}\n", "loss %", r["lossPercent"].get<double>());
  out += fmt::format("{:<28}{:>6.0f} /{:>6.0f} /{:>6.0f}\n", "latency us p50/p95/p99",
                     r["latencyUs"]["p50"].get<double>(), r["latencyUs"]["p95"].get<double>(),
                     r["latencyUs"]["p99"].get<double>());
  out += fmt::format("{:<28}{:>14.2f}\n", "jitter ms (mean)", r["jitterMsMean"].get<double>());
  if (r.contains("server")) {
    out += fmt::format("{:<28}{:>14.1f}\n", "server CPU %", r["server"]["cpuPercent"].get<double>());
    out += fmt::format("{:<28}{:>14.2f}\n", "server us/forwarded packet",
                       r["server"]["usPerForwardedPacket"].get<double>());
    out += fmt::format("{:<28}{:>14.1f}\n", "server RSS MiB (peak)", r["server"]["peakRssMiB"].get<double>());
  }
  out += fmt::format("{:<28}{:>14.1f}\n", "generator CPU %", r["generatorCpuPercent"].get<double>());
  return out;
}

}  // namespace jb::bench
