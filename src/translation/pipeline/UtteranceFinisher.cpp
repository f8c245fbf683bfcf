#include "translation/pipeline/UtteranceFinisher.hpp"

#include <spdlog/spdlog.h>

#include "translation/audio/OpusFrameEncoder.hpp"
#include "translation/audio/Resampler.hpp"

namespace jb::translation {

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kOpusRate = 48000;
}  // namespace

UtteranceFinisher::UtteranceFinisher(TranslationEngines& engines, const RoomLanguages& rooms,
                                     TranslationMetrics& metrics, size_t capacity, CaptionHandler onCaption,
                                     SpeechHandler onSpeech)
    : engines_(engines),
      rooms_(rooms),
      metrics_(metrics),
      capacity_(capacity),
      onCaption_(std::move(onCaption)),
      onSpeech_(std::move(onSpeech)) {}

UtteranceFinisher::~UtteranceFinisher() {
  stop();
}

void UtteranceFinisher::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void UtteranceFinisher::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!running_) return;
    running_ = false;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool UtteranceFinisher::submit(CaptionEvent finalCaption) {
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() >= capacity_) {
      metrics_.utteranceDropsQueueFull.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    queue_.push_back(std::move(finalCaption));
  }
  wake_.notify_one();
  return true;
}

void UtteranceFinisher::run() {
  for (;;) {
    CaptionEvent event;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !running_ || !queue_.empty(); });
      if (!running_) return;
      event = std::move(queue_.front());
      queue_.pop_front();
    }
    finish(std::move(event));
  }
}

void UtteranceFinisher::translateForRoom(CaptionEvent& event) {
  for (const std::string& target : rooms_.targets(event.roomId).captions) {
    if (target == event.language || event.translations.contains(target)) continue;
    if (!engines_.translator.route(event.language, target)) continue;  // offered as unavailable in the UI
    try {
      TranslationResult result = engines_.translator.translate(event.language, target, event.text);
      event.translations[target] = TranslatedText{std::move(result.text), std::move(result.via)};
    } catch (const std::exception& e) {
      metrics_.translationErrors.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("[translation] room={} {}->{} failed: {}", event.roomId, event.language, target, e.what());
    }
  }
}

void UtteranceFinisher::finish(CaptionEvent event) {
  auto started = Clock::now();
  translateForRoom(event);
  auto translated = Clock::now();
  if (!event.translations.empty()) metrics_.translation.observe(translated - started);
  metrics_.captionLatency.observe(translated - event.speechEnded);
  metrics_.finalCaptions.fetch_add(1, std::memory_order_relaxed);
  const CaptionEvent caption = event;  // the handler takes its own copy; speech needs the texts below
  onCaption_(caption);

  for (const std::string& language : rooms_.targets(event.roomId).voices) {
    if (language == event.language) continue;
    auto text = event.translations.find(language);
    if (text == event.translations.end() || text->second.text.empty() || !engines_.voices.canSpeak(language))
      continue;
    try {
      auto synthesisStarted = Clock::now();
      PcmAudio speech = engines_.voices.synthesize(language, text->second.text);
      if (speech.sampleRate != kOpusRate) speech = resample(speech, kOpusRate);
      SynthesizedSpeech out;
      out.roomId = event.roomId;
      out.speakerPeerId = event.speakerPeerId;
      out.utteranceId = event.utteranceId;
      out.language = language;
      out.speechEnded = event.speechEnded;
      OpusFrameEncoder encoder;
      out.opusFrames = encoder.encodeAll(speech);
      auto ready = Clock::now();
      metrics_.synthesis.observe(ready - synthesisStarted);
      metrics_.voiceLatency.observe(ready - event.speechEnded);
      metrics_.synthesizedUtterances.fetch_add(1, std::memory_order_relaxed);
      onSpeech_(std::move(out));
    } catch (const std::exception& e) {
      metrics_.synthesisErrors.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("[translation] room={} synthesis in {} failed: {}", event.roomId, language, e.what());
    }
  }
}

}  // namespace jb::translation
