#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <span>
#include <utility>
#include <vector>

#include "translation/audio/SegmentEvent.hpp"

namespace jb::translation {

// Cuts one speaker's 16 kHz mono stream into utterances for the recognizer with an energy VAD. A
// frame is voiced when it is `speechAboveNoiseDb` over the noise floor and above `minSpeechDbfs`;
// the floor is the quietest frame of the last `noiseWindow`, so it follows the room and the
// microphone gain and both quiet and loud speakers are heard. An utterance starts after `minSpeech`
// of consecutive voiced audio (clicks do not count) and ends after `hangover` without speech.
// Speech always dips between words, so the floor stays low while someone talks; a perfectly steady
// sound longer than `noiseWindow` (a hum, a fan switched on) becomes the new floor and stops counting.
class UtteranceSegmenter {
 public:
  struct Options {
    int sampleRate = 16000;
    std::chrono::milliseconds frame{20};
    std::chrono::milliseconds hangover{400};
    std::chrono::milliseconds minSpeech{120};
    std::chrono::milliseconds preRoll{200};
    std::chrono::milliseconds maxUtterance{15000};
    double speechAboveNoiseDb = 12;
    double minSpeechDbfs = -45;
    std::chrono::milliseconds noiseWindow{5000};
  };

  UtteranceSegmenter() : UtteranceSegmenter(Options{}) {}
  explicit UtteranceSegmenter(Options options);

  // Audio in any chunk size; it is analysed in whole frames.
  std::vector<SegmentEvent> push(std::span<const int16_t> samples);
  // No audio arrived for `gap` (Opus DTX, a stall): silence toward the hangover. The stream clock
  // advances, and an open utterance gets zeros so sample indices stay continuous.
  std::vector<SegmentEvent> silence(std::chrono::milliseconds gap);
  // The producer paused or closed: end the open utterance now (with any buffered samples).
  std::vector<SegmentEvent> end(EndReason reason);

  bool inUtterance() const { return inUtterance_; }
  uint64_t streamPosition() const { return position_ + partial_.size(); }
  double noiseFloorDbfs() const;

 private:
  // `real` is false for the zeros standing in for a gap: never voiced. `trackFloor` is false for
  // frames that are partly gap, which would drag the noise floor down.
  void processFrame(std::span<const int16_t> frame, bool real, bool trackFloor,
                    std::vector<SegmentEvent>& events);
  void startUtterance(uint64_t start, std::vector<SegmentEvent>& events);
  void endUtterance(EndReason reason, std::vector<SegmentEvent>& events);
  void appendAudio(std::span<const int16_t> samples, uint64_t at);
  void flushAudio(std::vector<SegmentEvent>& events);
  void trackNoise(double levelDb);

  Options options_;
  size_t frameSamples_;
  size_t hangoverFrames_;
  size_t minSpeechFrames_;
  size_t preRollSamples_;
  uint64_t maxUtteranceSamples_;
  uint64_t noiseWindowFrames_;

  uint64_t position_ = 0;         // stream index of the first sample not yet framed
  std::vector<int16_t> partial_;  // samples waiting to fill a frame
  std::deque<int16_t> history_;   // while idle: recent audio for pre-roll, ending at position_
  size_t voicedRun_ = 0;          // while idle: consecutive voiced frames

  bool inUtterance_ = false;
  uint64_t utteranceStart_ = 0;
  uint64_t speechEnd_ = 0;  // just after the last voiced frame
  size_t unvoicedRun_ = 0;
  SegmentEvent audio_;  // Audio samples gathered during one call, sent before the next Ended

  uint64_t realFrames_ = 0;
  std::deque<std::pair<uint64_t, double>> noiseMin_;  // (frame, level), increasing levels: sliding min
};

}  // namespace jb::translation
