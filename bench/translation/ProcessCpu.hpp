#pragma once

namespace jb::bench {

// CPU the benchmark process has used so far (user + system, all threads; getrusage).
double ownCpuSeconds();
// CPU the calling thread has used so far.
double currentThreadCpuSeconds();
// CPU used so far by our live descendant processes: the Apertium chains the translator keeps
// running (read from /proc/<pid>/stat). getrusage(RUSAGE_CHILDREN) would only count them once they
// exit and are reaped.
double descendantsCpuSeconds();
// VmHWM of this process, MiB.
double peakRssMiB();
// CPU every process on the machine has used since boot (busy time of all cores, /proc/stat).
double machineBusyCpuSeconds();
// Cores other processes keep busy, measured over `window`: the machine's busy time minus ours.
double otherProcessesCores(double windowSeconds);
// 1-minute load average.
double loadAverage1m();

}  // namespace jb::bench
