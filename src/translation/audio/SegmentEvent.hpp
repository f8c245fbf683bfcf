#pragma once

#include <cstdint>
#include <vector>

namespace jb::translation {

// Why an utterance ended: the speaker went quiet, it grew too long, or the producer paused/closed.
enum class EndReason { Silence, MaxLength, Paused, Closed };

inline const char* toString(EndReason reason) {
  switch (reason) {
    case EndReason::Silence:
      return "silence";
    case EndReason::MaxLength:
      return "max-length";
    case EndReason::Paused:
      return "paused";
    case EndReason::Closed:
      return "closed";
  }
  return "?";
}

// What UtteranceSegmenter reports. Per utterance: one Started, Audio events carrying its samples in
// order (pre-roll first, hangover tail last), then one Ended.
struct SegmentEvent {
  enum Type { Started, Audio, Ended };

  Type type = Audio;
  // Audio: the next samples of the utterance.
  std::vector<int16_t> samples;
  // Ended only.
  EndReason reason = EndReason::Silence;
  // Ended: stream sample index just after the last voiced frame, i.e. the true end of speech, from
  // which translation latency is measured (the hangover lies after it).
  uint64_t speechEndSample = 0;
  // Started/Ended: stream index of the utterance's first sample (pre-roll included).
  // Audio: stream index of samples[0].
  uint64_t startSample = 0;
};

}  // namespace jb::translation
