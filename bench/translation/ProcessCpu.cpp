#include "ProcessCpu.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

namespace jb::bench {

double ownCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double currentThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double descendantsCpuSeconds() {
  struct Stat {
    long parent = 0;
    double cpuSeconds = 0;
  };
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::map<long, Stat> processes;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    // The command name may hold spaces and parentheses: fields resume after the last ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream fields(line.substr(close + 2));
    std::string state;
    long parent = 0;
    fields >> state >> parent;
    std::string skip;
    for (int i = 0; i < 9; ++i) fields >> skip;  // pgrp .. cmajflt
    double utime = 0, stime = 0;
    fields >> utime >> stime;
    processes[std::stol(name)] = Stat{parent, (utime + stime) / ticks};
  }
  std::set<long> ours{static_cast<long>(getpid())};
  double total = 0;
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, stat] : processes) {
      if (!ours.contains(pid) && ours.contains(stat.parent)) {
        ours.insert(pid);
        total += stat.cpuSeconds;
        grew = true;
      }
    }
  }
  return total;
}

double peakRssMiB() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

double machineBusyCpuSeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  if (cpu != "cpu") return 0;
  return (user + nice + system + irq + softirq + steal) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double otherProcessesCores(double windowSeconds) {
  double machine = machineBusyCpuSeconds(), own = ownCpuSeconds(), children = descendantsCpuSeconds();
  std::this_thread::sleep_for(std::chrono::duration<double>(windowSeconds));
  double others =
      (machineBusyCpuSeconds() - machine) - (ownCpuSeconds() - own) - (descendantsCpuSeconds() - children);
  return std::max(0.0, others) / windowSeconds;
}

double loadAverage1m() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : 0;
}

}  // namespace jb::bench
