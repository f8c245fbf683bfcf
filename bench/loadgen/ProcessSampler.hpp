#pragma once

#include <optional>

namespace jb::bench {

// CPU time (user + system, from the process's CPU-time clock) and resident memory (from /proc) of a process.
struct ProcessSample {
  double cpuSeconds = 0;
  double rssMiB = 0;
  double peakRssMiB = 0;  // VmHWM
};
std::optional<ProcessSample> sampleProcess(int pid);
double ownCpuSeconds();

}  // namespace jb::bench
