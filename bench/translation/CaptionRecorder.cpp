#include "CaptionRecorder.hpp"

namespace jb::bench {

CaptionRecorder::CaptionRecorder()
    : wallAtStartUs_(std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()),
      steadyAtStart_(Clock::now()) {}

CaptionRecorder::Clock::time_point CaptionRecorder::steadyFromWallMs(int64_t wallMs) const {
  return steadyAtStart_ + std::chrono::microseconds(wallMs * 1000 - wallAtStartUs_);
}

void CaptionRecorder::onCaption(translation::CaptionEvent caption) {
  auto now = Clock::now();
  lastEvent_.store(now.time_since_epoch().count());
  if (!caption.final) {
    partials_.fetch_add(1);
    return;
  }
  FinalCaption final;
  final.speakerPeerId = std::move(caption.speakerPeerId);
  final.utteranceId = std::move(caption.utteranceId);
  final.text = std::move(caption.text);
  for (auto& [language, translated] : caption.translations)
    final.translations[language] = std::move(translated.text);
  final.speechEnded = caption.speechEnded;
  final.recognized = steadyFromWallMs(caption.timestampMs);
  final.received = now;
  std::lock_guard lock(mutex_);
  finals_.push_back(std::move(final));
}

void CaptionRecorder::onSynthesizedSpeech(translation::SynthesizedSpeech speech) {
  auto now = Clock::now();
  lastEvent_.store(now.time_since_epoch().count());
  Voice voice{std::move(speech.speakerPeerId), std::move(speech.utteranceId), std::move(speech.language),
              speech.opusFrames.size(), now};
  std::lock_guard lock(mutex_);
  voices_.push_back(std::move(voice));
}

std::vector<CaptionRecorder::FinalCaption> CaptionRecorder::finals() const {
  std::lock_guard lock(mutex_);
  return finals_;
}

std::vector<CaptionRecorder::Voice> CaptionRecorder::voices() const {
  std::lock_guard lock(mutex_);
  return voices_;
}

}  // namespace jb::bench
