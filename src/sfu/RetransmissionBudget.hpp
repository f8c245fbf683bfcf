#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace jb::sfu {

// How much one consumer may be sent in retransmissions: two token buckets, packets and bytes, refilled
// continuously. A NACK is a few bytes and can ask for hundreds of packets (RFC 4585 §6.2.1: 17 per
// FCI entry, and an RTCP packet may hold hundreds of entries), so without a cap a receiver could
// turn the SFU into an amplifier against its own downlink or anyone it spoofs.
class RetransmissionBudget {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    double packetsPerSecond = 250;       // ~10% loss on a 2.5 Mbit/s stream is ~25/s; ten times that
    double bytesPerSecond = 256 * 1024;  // ~2 Mbit/s
    double packetBurst = 100;            // a lost keyframe burst may be NACKed in one go
    double byteBurst = 128 * 1024;
  };

  RetransmissionBudget() : RetransmissionBudget(Limits{}) {}
  explicit RetransmissionBudget(Limits limits)
      : limits_(limits), packets_(limits.packetBurst), bytes_(limits.byteBurst) {}

  // Takes one packet of `size` bytes from the budget; false (nothing taken) when over the limit.
  bool trySpend(size_t size, Clock::time_point now);

 private:
  Limits limits_;
  double packets_;
  double bytes_;
  Clock::time_point last_{};
  bool started_ = false;
};

}  // namespace jb::sfu
