#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace jb::sfu {

// Tracks the sequence numbers missing from one incoming stream and decides when to ask the sender for
// them again (RFC 4585 §6.2.1 Generic NACK). Pure logic, no I/O: the Producer feeds it arrivals and
// sends what `due()` returns.
//
// A gap is first NACKed only after `reorderDelay`, because packets overtaking each other on the
// path look like loss for a moment. Each number is retried every `retryInterval` (about one round
// trip: asking again sooner would only duplicate a retransmission still in flight), at most
// `maxRetries` times, and dropped once older than `maxAge`, when the receivers' jitter buffers have
// moved past it. More than `maxMissing` outstanding means the loss is beyond repair by
// retransmission, and a keyframe is the cheaper fix.
class NackGenerator {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    Clock::duration reorderDelay = std::chrono::milliseconds(20);
    Clock::duration retryInterval = std::chrono::milliseconds(100);
    unsigned maxRetries = 10;
    Clock::duration maxAge = std::chrono::milliseconds(1000);
    size_t maxMissing = 500;
    size_t maxPerBatch = 256;  // keeps one NACK packet well inside an MTU (4 bytes per scattered loss)
  };

  struct Arrival {
    bool recovered = false;       // it filled a gap we were tracking
    bool keyframeNeeded = false;  // the gap was too large to repair by NACK; the list was cleared
  };

  struct Due {
    std::vector<uint16_t> sequenceNumbers;  // to NACK now, in ascending (wrap-aware) order
    size_t gaveUp = 0;                      // numbers abandoned (too old or out of retries)
  };

  NackGenerator() : NackGenerator(Options{}) {}
  explicit NackGenerator(Options options) : options_(options) {}

  Arrival received(uint16_t sequenceNumber, Clock::time_point now);
  Due due(Clock::time_point now);

  size_t missing() const { return missing_.size(); }
  // Earliest time `due()` can return something; Clock::time_point::max() when nothing is missing.
  Clock::time_point nextDue() const { return nextDue_; }

 private:
  struct Missing {
    Clock::time_point detected;
    Clock::time_point lastSent{};
    unsigned retries = 0;
  };

  uint32_t extend(uint16_t sequenceNumber) const;

  Options options_;
  bool started_ = false;
  uint16_t highest_ = 0;
  // Keyed by the extended (wrap-counted) number, so iteration is oldest-first across a wrap.
  uint32_t cycles_ = 0x10000;  // wraps of highest_, shifted by 16; starts at one so older seqs extend to >= 0
  std::map<uint32_t, Missing> missing_;
  Clock::time_point nextDue_ = Clock::time_point::max();
};

}  // namespace jb::sfu
