#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "translation/asr/SpeechRecognizer.hpp"
#include "translation/mt/Translator.hpp"
#include "translation/tts/Synthesizer.hpp"

namespace jb::bench {

// How long each engine call took, gathered by the Timed* decorators below on pipeline threads.
// Durations are wall-clock milliseconds; the recognizer also records its thread's CPU time, so its
// real-time factor is known even when the machine is busy with other work.
class StageTimings {
 public:
  struct Snapshot {
    std::vector<double> asrFinalSearchMs;    // SpeechRecognizer::endUtterance
    std::vector<double> asrAcceptMs;         // SpeechRecognizer::acceptAudio (partial searches included)
    double asrCpuSeconds = 0;                // CPU of every recognizer call
    double asrAudioSeconds = 0;              // audio given to recognizers
    std::vector<double> translateFinalMs;    // Translator::translate of a final caption, one hop
    std::vector<double> translatePartialMs;  // ... of a partial (on a recognition thread)
    std::map<std::string, std::vector<double>> synthesizeMs;  // Synthesizer::synthesize, by language
  };

  void addAsrAccept(double wallMs, double cpuSeconds, size_t samples16k);
  void addAsrFinal(double wallMs, double cpuSeconds);
  void addTranslate(bool final, double wallMs);
  void addSynthesize(const std::string& language, double wallMs);
  // Returns what was gathered since the last call and starts afresh.
  Snapshot take();

 private:
  std::mutex mutex_;
  Snapshot current_;
};

// Decorators over the pipeline's engine seams: same behaviour, plus timings.
class TimedRecognizer final : public translation::SpeechRecognizer {
 public:
  TimedRecognizer(std::unique_ptr<translation::SpeechRecognizer> inner, StageTimings& timings);
  const std::string& language() const override { return inner_->language(); }
  void startUtterance() override;
  std::optional<std::string> acceptAudio(std::span<const int16_t> samples16k) override;
  std::string endUtterance() override;

 private:
  std::unique_ptr<translation::SpeechRecognizer> inner_;
  StageTimings& timings_;
};

class TimedTranslator final : public translation::Translator {
 public:
  TimedTranslator(std::shared_ptr<translation::Translator> inner, StageTimings& timings);
  std::string name() const override { return inner_->name(); }
  std::vector<translation::LanguagePair> pairs() const override { return inner_->pairs(); }
  std::string translate(const translation::LanguagePair& pair, const std::string& text) override;

 private:
  std::shared_ptr<translation::Translator> inner_;
  StageTimings& timings_;
};

class TimedSynthesizer final : public translation::Synthesizer {
 public:
  TimedSynthesizer(std::unique_ptr<translation::Synthesizer> inner, StageTimings& timings);
  std::string name() const override { return inner_->name(); }
  std::vector<std::string> languages() const override { return inner_->languages(); }
  translation::PcmAudio synthesize(const std::string& language, const std::string& text) override;

 private:
  std::unique_ptr<translation::Synthesizer> inner_;
  StageTimings& timings_;
};

}  // namespace jb::bench
