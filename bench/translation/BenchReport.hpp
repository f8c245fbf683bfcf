#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "LevelRunner.hpp"

namespace jb::bench {

// Everything one invocation measured: every level of every round, and what it ran on.
struct BenchRun {
  nlohmann::json settings;  // options and engines, echoed into the report
  unsigned cores = 0;
  std::string cpuModel;
  std::string startedUtc;
  double peakRssMiB = 0;
  std::vector<std::vector<LevelResult>> rounds;  // rounds[r][level], levels in ascending speakers
};

// The largest speaker count whose level, and every smaller level of the round, passed; 0 if none.
unsigned capacityOf(const std::vector<LevelResult>& round);

// Figures across rounds are medians of the rounds' figures; drops are totals.
std::string formatReport(const BenchRun& run);
nlohmann::json reportJson(const BenchRun& run);

}  // namespace jb::bench
