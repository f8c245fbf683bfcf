#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "LatencySummary.hpp"
#include "SpokenSentence.hpp"
#include "TimedEngines.hpp"
#include "translation/pipeline/TranslationEngines.hpp"

namespace jb::bench {

// One load level: `speakers` concurrent real-time speakers through a fresh TranslationService over
// warm, shared engines.
struct LevelOptions {
  unsigned speakers = 1;
  size_t utterancesPerSpeaker = 20;
  double seconds = 0;  // > 0: each speaker talks this long instead of a number of sentences
  std::chrono::milliseconds hangover{400};
  unsigned recognitionThreads = 1;
  std::vector<std::string> targets{"es"};  // caption languages, each with translated voice on
  double maxCaptionP95Ms = 1500;           // the capacity criterion
  bool quiet = false;                      // no progress lines (warm-up)
};

struct LevelResult {
  unsigned speakers = 0;
  unsigned recognitionThreads = 0;
  double hangoverMs = 0;
  double speakerSeconds = 0;  // audio pushed, summed over speakers
  double wallSeconds = 0;     // the measured window: first push until the pipeline went quiet
  size_t utterances = 0;      // sentences spoken
  size_t captioned = 0;       // with a final caption
  size_t missed = 0;          // without one
  size_t split = 0;           // sentences the pipeline cut into more than one final
  size_t voiced = 0;          // with translated audio in the first target language
  double meanWordErrorRate = 0;
  uint64_t partialCaptions = 0;
  // TranslationMetrics counters
  uint64_t tapDrops = 0;
  uint64_t utteranceDrops = 0;
  uint64_t translationErrors = 0;
  uint64_t synthesisErrors = 0;

  // Per utterance, from the last voiced sample's push (see docs/benchmarks.md).
  LatencySummary caption;                 // speech end -> final caption (translated) handed over
  LatencySummary voice;                   // speech end -> first translated audio handed over
  LatencySummary effectiveHangover;       // speech end -> the packet that ends the utterance (audio time)
  LatencySummary captionAfterHangover;    // that packet's push -> final caption
  LatencySummary voiceAfterHangover;      // that packet's push -> translated audio
  LatencySummary asrFinal;                // speech end -> final text out of the recognizer
  LatencySummary recognizedToCaption;     // final text -> caption: finisher queue + MT
  LatencySummary captionToVoice;          // caption -> translated audio: synthesis, resampling, Opus
  LatencySummary speechEndEstimateError;  // the pipeline's CaptionEvent::speechEnded minus ours
  // Per engine call (TimedEngines)
  LatencySummary asrFinalSearch;
  LatencySummary asrAccept;
  LatencySummary mtFinal;
  LatencySummary mtPartial;
  LatencySummary synthesis;  // first target language
  double asrCpuPerAudioSecond = 0;
  // The pipeline's own histogram (TranslationMetrics::captionLatency), for comparison: bucketed.
  double pipelineCaptionP50 = 0;
  double pipelineCaptionP95 = 0;

  // CPU of the pipeline (process minus the sender thread, plus the Apertium processes).
  double serverCpuSeconds = 0;
  double apertiumCpuSeconds = 0;
  double cpuPerSpeakerSecond = 0;  // core-seconds per second of one speaker's audio
  double otherCpuCores = 0;        // what other processes used meanwhile, in cores (the machine is shared)
  LatencySummary senderLateness;
  bool senderRealTime = false;
  double loadAverageStart = 0;
  double loadAverageEnd = 0;

  bool passed = false;
  std::string verdict;  // why it failed, or "ok"

  nlohmann::json toJson() const;
};

LevelResult runLevel(const LevelOptions& options, const std::vector<SpokenSentence>& corpus,
                     translation::TranslationEngines& engines, StageTimings& timings);

}  // namespace jb::bench
