#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "SpeakerScript.hpp"
#include "translation/audio/UtteranceSegmenter.hpp"

namespace jb::bench {

// Where the pipeline's voice activity detection ends one scripted utterance, found by running the
// same decode -> resample -> UtteranceSegmenter chain as SpeakerStream over the same packets,
// offline. The pipeline cannot end an utterance before the packet that completes its hangover
// arrives, so that packet's push time splits caption latency into "waiting for the hangover" and
// "everything after".
struct EndDecision {
  size_t packet = 0;             // the packet whose audio made the segmenter end the utterance
  uint64_t speechEndSample = 0;  // the segmenter's own end of speech (16 kHz stream index)
};

// One entry per scripted utterance; nullopt when the segmenter never ended an utterance in its span.
// When it split a sentence, the last piece's decision counts (that one carries the end of speech).
std::vector<std::optional<EndDecision>> replayEndDecisions(
    const SpeakerScript& script, const translation::UtteranceSegmenter::Options& options);

}  // namespace jb::bench
