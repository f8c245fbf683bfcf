#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <numbers>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "translation/asr/RecognizerPool.hpp"
#include "translation/asr/SpeechRecognizer.hpp"
#include "translation/mt/TranslationError.hpp"
#include "translation/mt/Translator.hpp"
#include "translation/pipeline/TranslationService.hpp"
#include "translation/tts/SynthesisError.hpp"
#include "translation/tts/Synthesizer.hpp"

// Engines that stand in for pocketsphinx, Apertium and the voices, so the pipeline's own sequencing is
// what a test sees.
namespace jb::translation::test {

// What every ScriptedRecognizer made from one script did; read from the test thread.
struct RecognizerCalls {
  std::atomic<int> started{0};
  std::atomic<int> ended{0};
  std::atomic<int> chunks{0};
  std::atomic<size_t> samples{0};
};

// Recognises the same sentence in every utterance: each `partialEvery` of audio reveals the next of
// `partials`, and the final is `final`. English.
class ScriptedRecognizer final : public SpeechRecognizer {
 public:
  struct Script {
    std::vector<std::string> partials{"hello", "hello world"};
    std::string final = "hello world again";
    std::chrono::milliseconds partialEvery{300};
    std::chrono::milliseconds delayPerChunk{0};  // a slow engine
    bool failOnAudio = false;                    // an engine error mid-utterance
  };

  ScriptedRecognizer(Script script, std::shared_ptr<RecognizerCalls> calls)
      : script_(std::move(script)), calls_(std::move(calls)) {}

  const std::string& language() const override { return language_; }
  void startUtterance() override {
    ++calls_->started;
    samples_ = 0;
    revealed_ = 0;
  }
  std::optional<std::string> acceptAudio(std::span<const int16_t> samples16k) override {
    ++calls_->chunks;
    calls_->samples += samples16k.size();
    if (script_.delayPerChunk.count() > 0) std::this_thread::sleep_for(script_.delayPerChunk);
    if (script_.failOnAudio) throw std::runtime_error("scripted recognizer failure");
    samples_ += samples16k.size();
    size_t due = samples_ / static_cast<size_t>(script_.partialEvery.count() * 16);
    if (due <= revealed_ || revealed_ >= script_.partials.size()) return std::nullopt;
    return script_.partials[revealed_++];
  }
  std::string endUtterance() override {
    ++calls_->ended;
    return script_.final;
  }

 private:
  Script script_;
  std::shared_ptr<RecognizerCalls> calls_;
  std::string language_ = "en";
  size_t samples_ = 0;
  size_t revealed_ = 0;
};

inline RecognizerPool::Factory scriptedFactory(ScriptedRecognizer::Script script,
                                               std::shared_ptr<RecognizerCalls> calls) {
  return {{"en", [script, calls] { return std::make_unique<ScriptedRecognizer>(script, calls); }}};
}

// Marks text with the language it was "translated" to: "Hi." -> "[es] Hi.". Fails for `failing`.
class TaggingTranslator final : public Translator {
 public:
  explicit TaggingTranslator(std::vector<LanguagePair> pairs, std::set<std::string> failing = {})
      : pairs_(std::move(pairs)), failing_(std::move(failing)) {}
  std::string name() const override { return "tagging"; }
  std::vector<LanguagePair> pairs() const override { return pairs_; }
  std::string translate(const LanguagePair& pair, const std::string& text) override {
    ++calls;
    if (failing_.contains(pair.to)) throw TranslationError("tagging: " + pair.to + " is broken");
    return "[" + pair.to + "] " + text;
  }
  std::atomic<int> calls{0};

 private:
  std::vector<LanguagePair> pairs_;
  std::set<std::string> failing_;
};

// Speaks any text as 300 ms of tone at 16 kHz, so the pipeline has to resample it for Opus.
class ToneSynthesizer final : public Synthesizer {
 public:
  explicit ToneSynthesizer(std::vector<std::string> languages) : languages_(std::move(languages)) {}
  std::string name() const override { return "tone"; }
  std::vector<std::string> languages() const override { return languages_; }
  PcmAudio synthesize(const std::string& language, const std::string& text) override {
    {
      std::lock_guard lock(mutex_);
      spoken_.push_back(language + ": " + text);
    }
    PcmAudio audio{16000, std::vector<int16_t>(16000 * 3 / 10)};
    for (size_t i = 0; i < audio.samples.size(); ++i)
      audio.samples[i] =
          static_cast<int16_t>(8000 * std::sin(2 * std::numbers::pi * 440 * double(i) / 16000));
    return audio;
  }
  std::vector<std::string> spoken() const {
    std::lock_guard lock(mutex_);
    return spoken_;
  }

 private:
  std::vector<std::string> languages_;
  mutable std::mutex mutex_;
  std::vector<std::string> spoken_;
};

// How long push() calls took. A push that waited for room in the queue would be slow whenever the
// queue is full; on a busy machine the scheduler also slows the odd call that never waits. So a few
// slow calls are allowed, a pattern of them is not.
class PushTimer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kSlow = std::chrono::milliseconds(5);
  static constexpr auto kStall = std::chrono::milliseconds(100);

  template <typename Push>
  void time(Push&& push) {
    auto started = Clock::now();
    push();
    durations_.push_back(Clock::now() - started);
  }
  void merge(const PushTimer& other) {
    durations_.insert(durations_.end(), other.durations_.begin(), other.durations_.end());
  }

  size_t count() const { return durations_.size(); }
  Clock::duration longest() const {
    return durations_.empty() ? Clock::duration{} : *std::max_element(durations_.begin(), durations_.end());
  }
  size_t slowerThan(Clock::duration limit) const {
    return static_cast<size_t>(
        std::count_if(durations_.begin(), durations_.end(), [&](auto d) { return d >= limit; }));
  }
  // At most 1% of the calls (at least one) took 5 ms, and none took 100 ms.
  bool neverWaited() const {
    return slowerThan(kSlow) <= std::max<size_t>(1, count() / 100) && longest() < kStall;
  }
  std::string summary() const {
    return std::to_string(count()) + " push() calls, longest " +
           std::to_string(std::chrono::duration<double, std::milli>(longest()).count()) + " ms, " +
           std::to_string(slowerThan(kSlow)) + " took 5 ms or more";
  }

 private:
  std::vector<Clock::duration> durations_;
};

// Keeps every event the pipeline hands out, and when it came, for the test thread to wait on and
// inspect.
class CapturingListener final : public TranslationService::Listener {
 public:
  using Clock = std::chrono::steady_clock;

  void onCaption(CaptionEvent caption) override {
    {
      std::lock_guard lock(mutex_);
      captions_.push_back(std::move(caption));
      captionTimes_.push_back(Clock::now());
    }
    changed_.notify_all();
  }
  void onSynthesizedSpeech(SynthesizedSpeech speech) override {
    {
      std::lock_guard lock(mutex_);
      speech_.push_back(std::move(speech));
      speechTimes_.push_back(Clock::now());
    }
    changed_.notify_all();
  }

  // True once `done(captions, speech)` holds; false after `timeout`.
  bool waitFor(const std::function<bool(const std::vector<CaptionEvent>&,
                                        const std::vector<SynthesizedSpeech>&)>& done,
               std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return done(captions_, speech_); });
  }
  bool waitForFinals(size_t count, std::chrono::milliseconds timeout) {
    return waitFor([count](const auto& captions, const auto&) { return finalsIn(captions) >= count; },
                   timeout);
  }

  std::vector<CaptionEvent> captions() const {
    std::lock_guard lock(mutex_);
    return captions_;
  }
  std::vector<SynthesizedSpeech> speech() const {
    std::lock_guard lock(mutex_);
    return speech_;
  }
  // When each of captions() / speech() arrived, index for index.
  std::vector<Clock::time_point> captionTimes() const {
    std::lock_guard lock(mutex_);
    return captionTimes_;
  }
  std::vector<Clock::time_point> speechTimes() const {
    std::lock_guard lock(mutex_);
    return speechTimes_;
  }

  static size_t finalsIn(const std::vector<CaptionEvent>& captions) {
    return static_cast<size_t>(
        std::count_if(captions.begin(), captions.end(), [](const auto& c) { return c.final; }));
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<CaptionEvent> captions_;
  std::vector<SynthesizedSpeech> speech_;
  std::vector<Clock::time_point> captionTimes_;
  std::vector<Clock::time_point> speechTimes_;
};

}  // namespace jb::translation::test
