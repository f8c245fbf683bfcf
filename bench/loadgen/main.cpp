// jb-loadgen: many headless publishers and subscribers against a JB Calling server, with its own report.
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "LoadScenario.hpp"

namespace {
// Every run has a deadline: a server that stops answering must not leave a join, a handshake or the
// process waiting forever. Only async-signal-safe calls here.
void onDeadline(int) {
  static const char message[] =
      "jb-loadgen: the run passed its deadline (--deadline): the server stopped answering or setup stalled\n";
  [[maybe_unused]] auto written = write(STDERR_FILENO, message, sizeof message - 1);
  _exit(4);
}

// True when this process runs inside a named network namespace (`ip netns add` + `ip netns exec`): then
// every address it can reach exists only inside that namespace. Named namespaces are bind-mounted
// under /run/netns, so ours is one of them when the inodes match.
bool inPrivateNetworkNamespace() {
  struct stat self {};
  if (stat("/proc/self/ns/net", &self) != 0) return false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/run/netns", ec)) {
    struct stat named {};
    if (stat(entry.path().c_str(), &named) == 0 && named.st_ino == self.st_ino && named.st_dev == self.st_dev)
      return true;
  }
  return false;
}
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"jb-loadgen: load a JB Calling server with headless publishers and subscribers"};
  jb::bench::ScenarioOptions options;
  int duration = 10, warmup = 2;
  unsigned videoKbps = 500;
  int serverPid = 0;
  bool json = false;
  bool assertFlow = false;
  std::string target = "jbcalling";
  app.add_option("--target", target,
                 "Server kind: jbcalling (its signaling port) or janus (its HTTP API port)")
      ->capture_default_str()
      ->check(CLI::IsMember({"jbcalling", "janus"}));
  app.add_option("--host", options.host,
                 "Server address: loopback, or any inside a private network namespace")
      ->capture_default_str();
  app.add_option("--port", options.port, "Server port (JB Calling HTTP/WebSocket, or Janus HTTP 8088)")
      ->capture_default_str();
  app.add_option("--bind", options.bindAddress, "Local address for media sockets")->capture_default_str();
  app.add_option("--rooms", options.rooms, "Rooms")->capture_default_str()->check(CLI::Range(1u, 1000u));
  app.add_option("--publishers", options.publishers,
                 "Publishers per room (they also subscribe to each other)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 50u));
  app.add_option("--subscribers", options.subscribers, "Receive-only peers per room")
      ->capture_default_str()
      ->check(CLI::Range(0u, 1000u));
  app.add_option("--duration", duration, "Measured seconds")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--warmup", warmup, "Seconds of traffic before measuring")
      ->capture_default_str()
      ->check(CLI::Range(0, 60));
  app.add_option("--video-kbps", videoKbps, "Video bitrate per publisher")
      ->capture_default_str()
      ->check(CLI::Range(50u, 20000u));
  app.add_option(
         "--pacing-factor", options.pacingFactor,
         "Video packets leave at this multiple of the bitrate, like WebRTC's pacer (0: whole frames at "
         "once)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
  app.add_flag(
      "--no-audio", [&](int64_t) { options.audio = false; }, "Publish video only");
  app.add_flag(
      "--no-video", [&](int64_t) { options.video = false; }, "Publish audio only");
  app.add_option("--server-pid", serverPid,
                 "PID of the server, to report its CPU per forwarded packet and RSS");
  unsigned deadline = 0;
  app.add_option(
         "--deadline", deadline,
         "Seconds after which the run gives up and exits 4 (0: 60 + warmup + duration + 0.1 per peer)")
      ->capture_default_str();
  app.add_flag("--json", json, "Print the report as JSON");
  app.add_flag("--assert-flow", assertFlow,
               "Exit 3 unless packets flowed to every receiver with zero loss (CI smoke)");
  CLI11_PARSE(app, argc, argv);
  if (std::getenv("JB_LOADGEN_DEBUG")) spdlog::set_level(spdlog::level::debug);

  // Never point load at someone else's machine: loopback, or a namespace whose addresses exist only here.
  boost::system::error_code hostError, bindError;
  auto address = boost::asio::ip::make_address(options.host, hostError);
  auto bind = boost::asio::ip::make_address(options.bindAddress, bindError);
  const bool contained = inPrivateNetworkNamespace();
  if (hostError || bindError || (!contained && (!address.is_loopback() || !bind.is_loopback()))) {
    std::cerr
        << "jb-loadgen: --host and --bind must be loopback addresses (127.0.0.0/8 or ::1) unless run inside "
           "a private network namespace (ip netns exec); got '"
        << options.host << "' / '" << options.bindAddress << "'\n";
    return 2;
  }
  options.target = target == "janus" ? jb::bench::ScenarioOptions::Target::Janus
                                     : jb::bench::ScenarioOptions::Target::JbCalling;
  if (options.publishers == 0) {
    std::cerr << "jb-loadgen: a room needs at least one publisher\n";
    return 2;
  }
  if (options.publishers < 2 && options.subscribers == 0) {
    std::cerr << "jb-loadgen: nobody would receive anything: use --publishers >= 2 or --subscribers >= 1\n";
    return 2;
  }
  if (!options.audio && !options.video) {
    std::cerr << "jb-loadgen: --no-audio and --no-video together leave nothing to send\n";
    return 2;
  }
  options.duration = std::chrono::seconds(duration);
  options.warmup = std::chrono::seconds(warmup);
  options.videoBitrateBps = videoKbps * 1000;
  if (serverPid > 0) options.serverPid = serverPid;

  // Every peer holds a WebSocket and one or two UDP sockets: thousands of descriptors at capacity.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }

  if (deadline == 0) {
    const unsigned peers = options.rooms * (options.publishers + options.subscribers);
    deadline = 60 + static_cast<unsigned>(warmup + duration) + peers / 10;
  }
  std::signal(SIGALRM, onDeadline);
  alarm(deadline);

  try {
    auto report = jb::bench::runScenario(options);
    std::cout << (json ? report.dump(2) + "\n" : jb::bench::formatReport(report));
    if (assertFlow &&
        (report["packetsReceived"].get<uint64_t>() == 0 || report["lossPercent"].get<double>() > 0)) {
      std::cerr << "jb-loadgen: --assert-flow failed: packets must flow with zero loss\n";
      return 3;
    }
  } catch (const std::exception& e) {
    std::cerr << "jb-loadgen: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
