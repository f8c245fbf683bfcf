#include "sfu/RetransmissionBudget.hpp"

#include <algorithm>

namespace jb::sfu {

bool RetransmissionBudget::trySpend(size_t size, Clock::time_point now) {
  if (started_ && now > last_) {
    const double seconds = std::chrono::duration<double>(now - last_).count();
    packets_ = std::min(limits_.packetBurst, packets_ + seconds * limits_.packetsPerSecond);
    bytes_ = std::min(limits_.byteBurst, bytes_ + seconds * limits_.bytesPerSecond);
  }
  if (!started_ || now > last_) last_ = now;
  started_ = true;
  const auto cost = static_cast<double>(size);
  if (packets_ < 1 || bytes_ < cost) return false;
  packets_ -= 1;
  bytes_ -= cost;
  return true;
}

}  // namespace jb::sfu
