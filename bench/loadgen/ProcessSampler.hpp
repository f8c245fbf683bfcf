#pragma once

#include <optional>

namespace jb::bench {

// CPU time (user + system) and resident memory of a process, read from /proc.
struct ProcessSample {
  double cpuSeconds = 0;
  double rssMiB = 0;
  double peakRssMiB = 0;  // VmHWM
};
std::optional<ProcessSample> sampleProcess(int pid);
double ownCpuSeconds();

}  // namespace jb::bench
