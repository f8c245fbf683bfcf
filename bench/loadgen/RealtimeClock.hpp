#pragma once

#include <cstdint>
#include <ctime>

namespace jb::bench {

// CLOCK_REALTIME in ns: the clock of SO_TIMESTAMPNS, so send stamps, kernel arrival times and the
// generator's own handling times can be subtracted from one another.
inline uint64_t realtimeNowNs() {
  timespec t{};
  clock_gettime(CLOCK_REALTIME, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

}  // namespace jb::bench
