#pragma once

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "SpeakerScript.hpp"
#include "sfu/AudioTap.hpp"

namespace jb::bench {

// Plays the speakers' packets into an AudioTap from one thread, each speaker's packet k at exactly
// start + startOffset + k * 20 ms on the steady clock, as an SFU worker would hand them over. It
// records when each packet was really pushed: latencies are measured from those instants. The
// thread asks for real-time priority (SCHED_FIFO, when allowed) so that a loaded pipeline does
// not also delay its own input; lateness is reported either way.
class RealTimeSender {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr uint8_t kOpusPayloadType = 100;

  struct Feed {
    uint64_t stream = 0;  // from AudioTap::openStream
    const SpeakerScript* script = nullptr;
  };

  RealTimeSender(sfu::AudioTap& tap, std::vector<Feed> feeds);
  ~RealTimeSender();
  RealTimeSender(const RealTimeSender&) = delete;
  RealTimeSender& operator=(const RealTimeSender&) = delete;

  void start(Clock::time_point at);
  void join();

  // After join(). pushTimes()[speaker][packet].
  const std::vector<std::vector<Clock::time_point>>& pushTimes() const { return pushTimes_; }
  const std::vector<double>& latenessMs() const { return latenessMs_; }
  double threadCpuSeconds() const { return threadCpuSeconds_; }
  bool realTimePriority() const { return realTimePriority_; }
  Clock::time_point finishedAt() const { return finishedAt_; }

 private:
  void run(Clock::time_point start);

  sfu::AudioTap& tap_;
  std::vector<Feed> feeds_;
  std::vector<std::vector<Clock::time_point>> pushTimes_;
  std::vector<double> latenessMs_;
  double threadCpuSeconds_ = 0;
  bool realTimePriority_ = false;
  Clock::time_point finishedAt_{};
  std::thread thread_;
};

}  // namespace jb::bench
