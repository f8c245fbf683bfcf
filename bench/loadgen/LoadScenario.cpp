#include "LoadScenario.hpp"

#include <fmt/format.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "JanusSetup.hpp"
#include "JbCallingSetup.hpp"
#include "LoadPeer.hpp"
#include "ProcessSampler.hpp"
#include "RealtimeClock.hpp"
#include "common/Random.hpp"
#include "dtls/Certificate.hpp"

namespace jb::bench {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kSendTick = std::chrono::microseconds(100);

namespace {

// Datagrams the generator's own sockets dropped (SO_RXQ_OVFL), summed over every transport.
uint64_t socketDrops(const std::vector<std::unique_ptr<LoadPeer>>& peers) {
  uint64_t drops = 0;
  for (const auto& peer : peers) {
    if (peer->sendTransport) drops += peer->sendTransport->socketDrops();
    for (const auto& transport : peer->recvTransports) drops += transport->socketDrops();
  }
  return drops;
}

asio::awaitable<void> sendLoop(std::vector<std::unique_ptr<LoadPeer>>& peers, const bool& stop) {
  struct Sender {
    SyntheticStream* stream;
    MediaTransport* transport;
  };
  std::vector<Sender> senders;
  for (auto& peer : peers)
    for (auto& stream : peer->streams) senders.push_back({stream.get(), peer->sendTransport.get()});
  std::vector<std::vector<uint8_t>> due;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!stop) {
    auto now = SyntheticStream::Clock::now();
    for (auto& [stream, transport] : senders) {
      due.clear();
      stream->packetsDue(now, due);
      for (auto& packet : due) {
        // Stamped per packet, just before SRTP: a late packet in this loop must not look like SFU delay.
        stampSendTime(packet, realtimeNowNs());
        transport->sendRtp(packet);
      }
    }
    // 100 µs: browsers pace independently of each other, so their packets reach the SFU spread out.
    // A coarser common tick would release every publisher's due packets together, and the last of
    // such a bunch would wait for the SFU to forward all the others: generator-made queueing.
    timer.expires_after(kSendTick);
    co_await timer.async_wait(asio::use_awaitable);
  }
}

// Everything sampled at the edges of the measured window; the receivers' stats hold the rest.
struct MeasuredWindow {
  double setupSeconds = 0;
  std::optional<ProcessSample> serverBefore, serverAfter;
  double ownCpuBefore = 0, ownCpuAfter = 0;
  uint64_t sentBefore = 0, sentAfter = 0;
  uint64_t generatorDrops = 0;
};

uint64_t packetsSent(const std::vector<std::unique_ptr<LoadPeer>>& peers) {
  uint64_t sent = 0;
  for (const auto& peer : peers)
    for (const auto& stream : peer->streams) sent += stream->packetsSent();
  return sent;
}

// Not a coroutine: with this JSON initializer inside one, GCC 12 raises a false -Wmismatched-new-delete.
json buildReport(const ScenarioOptions& options, const std::vector<std::unique_ptr<LoadPeer>>& peers,
                 const MeasuredWindow& w) {
  uint64_t received = 0, expected = 0;
  size_t videoStreams = 0, audioStreams = 0;
  std::vector<double> latencies, lags;
  double jitterSum = 0;
  size_t receivers = 0;
  for (auto& peer : peers) {
    received += peer->stats.packetsReceived();
    expected += peer->stats.packetsExpected();
    videoStreams += peer->stats.videoStreams();
    audioStreams += peer->stats.audioStreams();
    latencies.insert(latencies.end(), peer->stats.latenciesUs().begin(), peer->stats.latenciesUs().end());
    lags.insert(lags.end(), peer->stats.generatorLagsUs().begin(), peer->stats.generatorLagsUs().end());
    if (peer->stats.packetsReceived()) {
      jitterSum += peer->stats.meanJitterMs();
      ++receivers;
    }
  }
  const double seconds = static_cast<double>(options.duration.count());
  const Percentiles latency(std::move(latencies));
  const Percentiles lag(std::move(lags));
  json report = {
      {"scenario",
       {{"target", options.target == ScenarioOptions::Target::Janus ? "janus" : "jbcalling"},
        {"rooms", options.rooms},
        {"publishersPerRoom", options.publishers},
        {"subscribersPerRoom", options.subscribers},
        {"durationSeconds", options.duration.count()},
        {"videoBitrateBps", options.videoBitrateBps},
        {"pacingFactor", options.pacingFactor}}},
      {"setupSeconds", w.setupSeconds},
      {"packetsSent", w.sentAfter - w.sentBefore},
      {"packetsReceived", received},
      {"packetsExpected", expected},
      {"lossPercent", expected ? 100.0 * static_cast<double>(expected - std::min(expected, received)) /
                                     static_cast<double>(expected)
                               : 0.0},
      {"forwardedPacketsPerSecond", static_cast<double>(received) / seconds},
      // Kernel receive timestamp minus send time (see stampSendTime).
      {"latencyUs",
       {{"p50", latency.at(0.50)},
        {"p95", latency.at(0.95)},
        {"p99", latency.at(0.99)},
        {"p999", latency.at(0.999)},
        {"max", latency.max()}}},
      // How far behind the kernel the generator handled packets: when this grows, the
      // generator is the bottleneck and its own socket buffers may be what drops.
      {"generatorLagUs", {{"p50", lag.at(0.50)}, {"p99", lag.at(0.99)}}},
      {"generatorSocketDrops", w.generatorDrops},
      {"videoStreamsForwarded", videoStreams},
      {"audioStreamsForwarded", audioStreams},
      {"streamsForwarded", videoStreams + audioStreams},
      {"jitterMsMean", receivers ? jitterSum / static_cast<double>(receivers) : 0.0},
      {"generatorCpuPercent", 100.0 * (w.ownCpuAfter - w.ownCpuBefore) / seconds}};
  if (w.serverBefore && w.serverAfter) {
    const double cpu = w.serverAfter->cpuSeconds - w.serverBefore->cpuSeconds;
    report["server"] = {{"cpuSeconds", cpu},
                        {"cpuPercent", 100.0 * cpu / seconds},
                        {"usPerForwardedPacket", received ? cpu * 1e6 / static_cast<double>(received) : 0.0},
                        {"rssMiB", w.serverAfter->rssMiB},
                        {"peakRssMiB", w.serverAfter->peakRssMiB}};
  }
  return report;
}

// Runs task(0) .. task(count - 1), kConcurrentSetups at a time, and rethrows the first failure. Joining
// 2,000 peers one after the other takes half a minute; the server handles them concurrently anyway.
constexpr size_t kConcurrentSetups = 16;
asio::awaitable<void> forEachConcurrently(asio::io_context& io, size_t count,
                                          std::function<asio::awaitable<void>(size_t)> task) {
  size_t next = 0, running = 0;
  std::exception_ptr failure;
  while (running > 0 || (next < count && !failure)) {
    for (; next < count && running < kConcurrentSetups && !failure; ++next) {
      ++running;
      // The handler refers to this frame's locals: the loop does not end while any task runs.
      asio::co_spawn(io, task(next), [&running, &failure](std::exception_ptr e) {
        --running;
        if (e && !failure) failure = e;
      });
    }
    co_await sleepFor(2ms);
  }
  if (failure) std::rethrow_exception(failure);
}

// Joins, publishes and subscribes every peer on the chosen server.
asio::awaitable<void> setUp(const ScenarioOptions& options, SetupContext& context,
                            std::vector<std::vector<LoadPeer*>>& rooms, std::unique_ptr<JanusClient>& janus,
                            const std::string& runId) {
  if (options.target == ScenarioOptions::Target::JbCalling) {
    // Everyone joins (publishers produce as they join), then everyone consumes what their room publishes.
    std::vector<std::string> roomIds;
    std::vector<std::pair<LoadPeer*, size_t>> members;  // peer, room
    for (size_t r = 0; r < rooms.size(); ++r) {
      roomIds.push_back("load-" + runId + "-" + std::to_string(r));
      for (LoadPeer* peer : rooms[r]) members.emplace_back(peer, r);
    }
    co_await forEachConcurrently(context.io, members.size(), [&](size_t i) {
      return joinJbCalling(*members[i].first, roomIds[members[i].second], options.host, options.port,
                           context);
    });
    co_await forEachConcurrently(context.io, members.size(), [&](size_t i) {
      return consumeJbCalling(*members[i].first, rooms[members[i].second]);
    });
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
  auto receiveBatch = std::make_unique<DatagramBatch>();
  SetupContext context{io,
                       *receiveBatch,
                       dtls::Certificate::generate(),
                       asio::ip::make_address(options.bindAddress),
                       options.videoBitrateBps,
                       options.pacingFactor,
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
  MeasuredWindow window;
  std::string error;
  bool stopSending = false;
  asio::co_spawn(
      io,
      [&]() -> awaitable<void> {
        try {
          const auto setupStart = std::chrono::steady_clock::now();
          co_await setUp(options, context, rooms, janus, runId);
          window.setupSeconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - setupStart).count();
          for (auto& peer : peers)
            if (peer->signaling) asio::co_spawn(io, peer->signaling->drain(), asio::detached);
          asio::co_spawn(io, sendLoop(peers, stopSending), asio::detached);

          co_await sleepFor(std::chrono::duration_cast<std::chrono::milliseconds>(options.warmup));
          for (auto& peer : peers) peer->stats.startMeasuring();
          const uint64_t dropsBefore = socketDrops(peers);
          window.serverBefore = options.serverPid ? sampleProcess(*options.serverPid) : std::nullopt;
          window.ownCpuBefore = ownCpuSeconds();
          window.sentBefore = packetsSent(peers);

          co_await sleepFor(std::chrono::duration_cast<std::chrono::milliseconds>(options.duration));
          window.serverAfter = options.serverPid ? sampleProcess(*options.serverPid) : std::nullopt;
          window.ownCpuAfter = ownCpuSeconds();
          window.sentAfter = packetsSent(peers);
          stopSending = true;
          co_await sleepFor(300ms);  // let in-flight packets land before counting loss

          window.generatorDrops = socketDrops(peers) - dropsBefore;
          report = buildReport(options, peers, window);
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
  out += fmt::format("{:<32}{:>14}\n", "packets sent", r["packetsSent"].get<uint64_t>());
  out += fmt::format("{:<32}{:>14}\n", "packets received", r["packetsReceived"].get<uint64_t>());
  out +=
      fmt::format("{:<32}{:>14.1f}\n", "forwarded packets/s", r["forwardedPacketsPerSecond"].get<double>());
  out += fmt::format("{:<32}{:>14.3f}\n", "loss %", r["lossPercent"].get<double>());
  out += fmt::format("{:<32}{:>14}\n", "video streams forwarded", r["videoStreamsForwarded"].get<uint64_t>());
  out += fmt::format("{:<32}{:>14}\n", "audio streams forwarded", r["audioStreamsForwarded"].get<uint64_t>());
  const json& latency = r["latencyUs"];
  out += fmt::format("{:<32}{:.0f} / {:.0f} / {:.0f} / {:.0f} / {:.0f}\n", "latency us p50/95/99/99.9/max",
                     latency["p50"].get<double>(), latency["p95"].get<double>(), latency["p99"].get<double>(),
                     latency["p999"].get<double>(), latency["max"].get<double>());
  out += fmt::format("{:<32}{:>14.2f}\n", "jitter ms (mean)", r["jitterMsMean"].get<double>());
  if (r.contains("server")) {
    out += fmt::format("{:<32}{:>14.1f}\n", "server CPU %", r["server"]["cpuPercent"].get<double>());
    out += fmt::format("{:<32}{:>14.2f}\n", "server us/forwarded packet",
                       r["server"]["usPerForwardedPacket"].get<double>());
    out += fmt::format("{:<32}{:>14.1f}\n", "server RSS MiB (peak)", r["server"]["peakRssMiB"].get<double>());
  }
  out += fmt::format("{:<32}{:>14.1f}\n", "generator CPU %", r["generatorCpuPercent"].get<double>());
  out += fmt::format("{:<32}{:.0f} / {:.0f}\n", "generator lag us p50/p99",
                     r["generatorLagUs"]["p50"].get<double>(), r["generatorLagUs"]["p99"].get<double>());
  out += fmt::format("{:<32}{:>14}\n", "generator socket drops", r["generatorSocketDrops"].get<uint64_t>());
  return out;
}

}  // namespace jb::bench
