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

#include "JanusSetup.hpp"
#include "JbCallingSetup.hpp"
#include "LoadPeer.hpp"
#include "ProcessSampler.hpp"
#include "common/Random.hpp"
#include "dtls/Certificate.hpp"

namespace jb::bench {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

asio::awaitable<void> sendLoop(std::vector<std::unique_ptr<LoadPeer>>& peers, const bool& stop) {
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

// Joins, publishes and subscribes every peer on the chosen server.
asio::awaitable<void> setUp(const ScenarioOptions& options, SetupContext& context,
                            std::vector<std::vector<LoadPeer*>>& rooms, std::unique_ptr<JanusClient>& janus,
                            const std::string& runId) {
  if (options.target == ScenarioOptions::Target::JbCalling) {
    for (size_t r = 0; r < rooms.size(); ++r)
      for (LoadPeer* peer : rooms[r])
        co_await joinJbCalling(*peer, "load-" + runId + "-" + std::to_string(r), options.host, options.port,
                               context);
    for (auto& members : rooms)
      for (LoadPeer* peer : members) co_await consumeJbCalling(*peer, members);
    co_return;
  }
  janus = std::make_unique<JanusClient>(
      context.io.get_executor(), asio::ip::tcp::endpoint(asio::ip::make_address(options.host), options.port));
  co_await janus->createSession();
  asio::co_spawn(context.io, janus->pollEvents(), asio::detached);
  for (auto& members : rooms) {
    const uint64_t room = co_await createJanusRoom(*janus);
    for (LoadPeer* peer : members)
      if (peer->publisher) co_await publishJanus(*peer, *janus, room, context);
    for (LoadPeer* peer : members) co_await subscribeJanus(*peer, *janus, room, members, context);
  }
}

}  // namespace

json runScenario(const ScenarioOptions& options) {
  asio::io_context io{1};
  SetupContext context{io,
                       dtls::Certificate::generate(),
                       asio::ip::make_address(options.bindAddress),
                       options.videoBitrateBps,
                       options.audio,
                       options.video};
  std::vector<std::unique_ptr<LoadPeer>> peers;
  std::vector<std::vector<LoadPeer*>> rooms(options.rooms);
  std::unique_ptr<JanusClient> janus;
  const std::string runId = common::randomToken(6);
  for (unsigned r = 0; r < options.rooms; ++r) {
    for (unsigned i = 0; i < options.publishers + options.subscribers; ++i) {
      auto peer = std::make_unique<LoadPeer>();
      peer->room = r;
      peer->publisher = i < options.publishers;
      peer->name = fmt::format("{}{}-r{}", peer->publisher ? "pub" : "sub", i, r);
      rooms[r].push_back(peer.get());
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
          co_await setUp(options, context, rooms, janus, runId);
          const double setupSeconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - setupStart).count();
          for (auto& peer : peers)
            if (peer->signaling) asio::co_spawn(io, peer->signaling->drain(), asio::detached);
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
                     {{"target", options.target == ScenarioOptions::Target::Janus ? "janus" : "jbcalling"},
                      {"rooms", options.rooms},
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
        if (janus) janus->stop();
        for (auto& peer : peers) {
          if (peer->sendTransport) peer->sendTransport->close();
          for (auto& t : peer->recvTransports) t->close();
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
  out += fmt::format("target: {}\n", s["target"].get<std::string>());
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
