#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace jb::sfu {

// Turns the sequence numbers and timestamps of whatever source a consumer currently follows into one
// continuous output stream, so the receiving jitter buffer never sees a jump when the source pauses,
// resumes, or is replaced by another producer (or, later, another simulcast layer).
class RtpStreamRewriter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Output {
    uint16_t sequenceNumber;
    uint32_t timestamp;
  };

  explicit RtpStreamRewriter(uint32_t clockRate) : clockRate_(clockRate) {}

  // Sequence numbers jump (e.g. packets skipped while paused) but the clock is the same source's.
  void markSequenceGap() { resyncSequence_ = true; }
  // A different source (new producer / simulcast layer): both numbering and clock must be re-based.
  // The next packet's sequence number follows the last one sent. Its timestamp is put on the old
  // source's clock by adding `clockDelta` (known when both sources' Sender Reports relate their clocks
  // to NTP: simulcast layers encode the same captured frames, so this keeps the timeline exact) if
  // that lands after the last timestamp sent and within a second of the wall-clock guess; otherwise it
  // continues after the last timestamp sent by the wall time that has passed since.
  void markSourceSwitch(std::optional<uint32_t> clockDelta = std::nullopt) {
    resyncSequence_ = resyncTimestamp_ = true;
    clockDelta_ = clockDelta;
  }

  // nullopt: the packet belongs to the previous source or predates the re-sync point; drop it.
  std::optional<Output> rewrite(uint16_t sequenceNumber, uint32_t timestamp, Clock::time_point now);

  // The source sequence number that became `outputSequence`, for answering a receiver's NACK
  // (RFC 4585 §6.2.1) from the source's retransmission buffer. Only numbers sent since the last
  // re-sync map back (earlier ones were sent under another offset, and a NACK that old is moot);
  // nullopt for those and for numbers never sent.
  std::optional<uint16_t> sourceSequence(uint16_t outputSequence) const;

  // The timestamp offset in force, to translate a producer's Sender Report into the consumer's clock.
  uint32_t timestampOffset() const { return timestampOffset_; }
  bool started() const { return started_; }

 private:
  uint32_t clockRate_;
  bool started_ = false;
  bool resyncSequence_ = false;
  bool resyncTimestamp_ = false;
  std::optional<uint32_t> clockDelta_;
  uint16_t sequenceOffset_ = 0;
  uint32_t timestampOffset_ = 0;
  uint16_t lastInputSequence_ = 0;   // newest input seq since the last re-sync
  uint16_t firstInputSequence_ = 0;  // input seq at the last re-sync; older ones are dropped
  uint16_t highestOutputSequence_ = 0;
  uint32_t highestOutputTimestamp_ = 0;
  Clock::time_point highestOutputAt_{};
};

}  // namespace jb::sfu
