#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "translation/pipeline/TranslationService.hpp"

namespace jb::bench {

// The pipeline's listener: stamps every final caption and every translated voice with the steady
// clock as it is handed over (where signaling and the SFU would take it), and keeps them for
// matching against the script afterwards. Partials are only counted.
class CaptionRecorder final : public translation::TranslationService::Listener {
 public:
  using Clock = std::chrono::steady_clock;

  struct FinalCaption {
    std::string speakerPeerId;
    std::string utteranceId;
    std::string text;
    std::map<std::string, std::string> translations;
    Clock::time_point speechEnded;  // the pipeline's own estimate
    Clock::time_point recognized;   // from CaptionEvent::timestampMs (set when the final text came out)
    Clock::time_point received;
  };
  struct Voice {
    std::string speakerPeerId;
    std::string utteranceId;
    std::string language;
    size_t frames = 0;
    Clock::time_point received;
  };

  CaptionRecorder();

  void onCaption(translation::CaptionEvent caption) override;
  void onSynthesizedSpeech(translation::SynthesizedSpeech speech) override;

  std::vector<FinalCaption> finals() const;
  std::vector<Voice> voices() const;
  uint64_t partials() const { return partials_.load(); }
  Clock::time_point lastEvent() const { return Clock::time_point(Clock::duration(lastEvent_.load())); }

 private:
  // CaptionEvent::timestampMs is wall-clock milliseconds; one reading of both clocks converts it.
  Clock::time_point steadyFromWallMs(int64_t wallMs) const;

  int64_t wallAtStartUs_;
  Clock::time_point steadyAtStart_;
  mutable std::mutex mutex_;
  std::vector<FinalCaption> finals_;
  std::vector<Voice> voices_;
  std::atomic<uint64_t> partials_{0};
  std::atomic<Clock::rep> lastEvent_{0};
};

}  // namespace jb::bench
