#include "ProcessSampler.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>
#include <string>

namespace jb::bench {

std::optional<ProcessSample> sampleProcess(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return std::nullopt;
  // Fields after the command name (which may contain spaces) start after the last ')'.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  unsigned long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoul(field);
    if (i == 15) stime = std::stoul(field);
  }
  ProcessSample sample;
  sample.cpuSeconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  // /proc counts in clock ticks (10 ms): at a few % of a core over a few seconds that is a handful of
  // ticks, too coarse for a slope. The process's CPU-time clock counts in ns, dead threads included.
  clockid_t clock{};
  timespec t{};
  if (clock_getcpuclockid(pid, &clock) == 0 && clock_gettime(clock, &t) == 0)
    sample.cpuSeconds = static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  while (std::getline(status, line)) {
    if (line.starts_with("VmRSS:")) sample.rssMiB = std::stod(line.substr(6)) / 1024.0;
    if (line.starts_with("VmHWM:")) sample.peakRssMiB = std::stod(line.substr(6)) / 1024.0;
  }
  return sample;
}

double ownCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace jb::bench
