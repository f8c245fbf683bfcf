#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace jb::bench {

struct ScenarioOptions {
  enum class Target { JbCalling, Janus };
  Target target = Target::JbCalling;
  std::string host = "127.0.0.1";  // the server (JB Calling signaling, or Janus's HTTP API)
  uint16_t port = 8080;
  std::string bindAddress = "127.0.0.1";  // where our media sockets bind (and what Janus is told)
  unsigned rooms = 1;
  unsigned publishers = 2;   // per room; each also receives every other publisher, like a call
  unsigned subscribers = 0;  // per room; receive only
  std::chrono::seconds duration{10};
  std::chrono::seconds warmup{2};
  uint32_t videoBitrateBps = 500'000;
  double pacingFactor = 2.5;  // SyntheticStream::Config::pacingFactor
  bool audio = true;
  bool video = true;
  std::optional<int> serverPid;  // to measure the server's CPU and RSS from /proc
};

// Runs the whole scenario (join, publish, subscribe, measure, leave) and returns the report as JSON.
// Throws std::runtime_error when setup fails (the message says which peer and request).
nlohmann::json runScenario(const ScenarioOptions& options);

// A human-readable rendering of the report.
std::string formatReport(const nlohmann::json& report);

}  // namespace jb::bench
