#include "sfu/RtpStreamRewriter.hpp"

namespace jb::sfu {

namespace {
// RFC 1982 serial number arithmetic on 16 bits.
bool seqNewer(uint16_t a, uint16_t b) {
  return a != b && static_cast<uint16_t>(a - b) < 0x8000;
}
bool tsNewer(uint32_t a, uint32_t b) {
  return a != b && static_cast<uint32_t>(a - b) < 0x80000000u;
}
}  // namespace

std::optional<RtpStreamRewriter::Output> RtpStreamRewriter::rewrite(uint16_t seq, uint32_t ts,
                                                                    Clock::time_point now) {
  if (!started_) {
    // The first packet goes out unchanged; offsets are zero.
    started_ = true;
    firstInputSequence_ = lastInputSequence_ = seq;
    highestOutputSequence_ = seq;
    highestOutputTimestamp_ = ts;
    highestOutputAt_ = now;
    resyncSequence_ = resyncTimestamp_ = false;
    return Output{seq, ts};
  }

  if (resyncSequence_) {
    // The next output number follows the last one sent, whatever the source's own numbering.
    sequenceOffset_ = static_cast<uint16_t>(highestOutputSequence_ + 1 - seq);
    firstInputSequence_ = lastInputSequence_ = seq;
    resyncSequence_ = false;
  } else if (seqNewer(firstInputSequence_, seq)) {
    return std::nullopt;  // older than the re-sync point: it would collide with numbers already used
  }

  if (resyncTimestamp_) {
    // Advance the clock by the wall time since the last packet so playout pacing stays right.
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(now - highestOutputAt_).count();
    uint64_t ticks = elapsed > 0 ? static_cast<uint64_t>(elapsed) * clockRate_ / 1'000'000 : 0;
    uint32_t target = highestOutputTimestamp_ + static_cast<uint32_t>(ticks == 0 ? 1 : ticks);
    if (clockDelta_) {
      // The same instant on the old source's clock, then through the old offset.
      const uint32_t aligned = ts + *clockDelta_ + timestampOffset_;
      const auto offBy = static_cast<int32_t>(aligned - target);
      if (tsNewer(aligned, highestOutputTimestamp_) && offBy < static_cast<int32_t>(clockRate_) &&
          offBy > -static_cast<int32_t>(clockRate_))
        target = aligned;
    }
    timestampOffset_ = target - ts;
    resyncTimestamp_ = false;
    clockDelta_.reset();
  }

  Output out{static_cast<uint16_t>(seq + sequenceOffset_), ts + timestampOffset_};
  if (seqNewer(seq, lastInputSequence_)) lastInputSequence_ = seq;
  if (seqNewer(out.sequenceNumber, highestOutputSequence_)) highestOutputSequence_ = out.sequenceNumber;
  if (tsNewer(out.timestamp, highestOutputTimestamp_)) {
    highestOutputTimestamp_ = out.timestamp;
    highestOutputAt_ = now;
  }
  return out;
}

std::optional<uint16_t> RtpStreamRewriter::sourceSequence(uint16_t outputSequence) const {
  if (!started_) return std::nullopt;
  const auto firstOutput = static_cast<uint16_t>(firstInputSequence_ + sequenceOffset_);
  if (seqNewer(firstOutput, outputSequence) || seqNewer(outputSequence, highestOutputSequence_))
    return std::nullopt;
  return static_cast<uint16_t>(outputSequence - sequenceOffset_);
}

}  // namespace jb::sfu
