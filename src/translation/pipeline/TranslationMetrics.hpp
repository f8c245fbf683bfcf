#pragma once

#include <atomic>
#include <cstdint>

#include "translation/pipeline/LatencyHistogram.hpp"

namespace jb::translation {

// What the pipeline did, for /metrics (docs/protocol.md, "Metrics"). Every field is safe to read
// from any thread.
struct TranslationMetrics {
  std::atomic<uint64_t> packetsTapped{0};
  std::atomic<uint64_t> tapDropsQueueFull{0};
  std::atomic<uint64_t> tapDropsOversize{0};
  std::atomic<uint64_t> utterances{0};
  std::atomic<uint64_t> partialCaptions{0};
  std::atomic<uint64_t> finalCaptions{0};
  std::atomic<uint64_t> utteranceDropsQueueFull{0};
  // Utterances that got no captions: no recognizer free for the speaker's language (the pool was at
  // --max-recognizers), none for that language, or the recognizer failed mid-utterance.
  std::atomic<uint64_t> utterancesSkipped{0};
  std::atomic<uint64_t> translationErrors{0};
  std::atomic<uint64_t> synthesisErrors{0};
  std::atomic<uint64_t> synthesizedUtterances{0};
  std::atomic<int64_t> activeStreams{0};

  LatencyHistogram asrFinal;        // speech end -> final text (includes the VAD hangover)
  LatencyHistogram translation;     // one final into every caption language
  LatencyHistogram synthesis;       // text -> first Opus frame of one language
  LatencyHistogram captionLatency;  // speech end -> final caption handed to signaling
  LatencyHistogram voiceLatency;    // speech end -> first translated audio handed to the SFU
};

}  // namespace jb::translation
