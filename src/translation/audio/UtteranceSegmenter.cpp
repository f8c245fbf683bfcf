#include "translation/audio/UtteranceSegmenter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace jb::translation {
namespace {

// Level given to digital silence (and the gap zeros), well below any real microphone's noise.
constexpr double kSilenceDbfs = -100;

double levelDbfs(std::span<const int16_t> frame) {
  double sum = 0;
  for (int16_t s : frame) sum += double(s) * s;
  double rms = std::sqrt(sum / double(frame.size())) / 32768.0;
  return rms > 0 ? std::max(kSilenceDbfs, 20 * std::log10(rms)) : kSilenceDbfs;
}

size_t framesIn(std::chrono::milliseconds span, std::chrono::milliseconds frame) {
  return static_cast<size_t>((span.count() + frame.count() - 1) / frame.count());
}

}  // namespace

UtteranceSegmenter::UtteranceSegmenter(Options options) : options_(options) {
  if (options_.sampleRate <= 0 || options_.frame.count() <= 0 ||
      options_.sampleRate * options_.frame.count() < 1000) {
    throw std::invalid_argument("UtteranceSegmenter: bad sample rate or frame length");
  }
  auto samplesIn = [&](std::chrono::milliseconds span) {
    return static_cast<size_t>(std::max<int64_t>(0, span.count()) * options_.sampleRate / 1000);
  };
  frameSamples_ = samplesIn(options_.frame);
  hangoverFrames_ = std::max<size_t>(1, framesIn(options_.hangover, options_.frame));
  minSpeechFrames_ = std::max<size_t>(1, framesIn(options_.minSpeech, options_.frame));
  preRollSamples_ = samplesIn(options_.preRoll);
  maxUtteranceSamples_ = std::max(samplesIn(options_.maxUtterance), frameSamples_);
  noiseWindowFrames_ = std::max<size_t>(1, framesIn(options_.noiseWindow, options_.frame));
  partial_.reserve(frameSamples_);
}

double UtteranceSegmenter::noiseFloorDbfs() const {
  return noiseMin_.empty() ? kSilenceDbfs : noiseMin_.front().second;
}

std::vector<SegmentEvent> UtteranceSegmenter::push(std::span<const int16_t> samples) {
  std::vector<SegmentEvent> events;
  if (!partial_.empty()) {
    size_t take = std::min(frameSamples_ - partial_.size(), samples.size());
    partial_.insert(partial_.end(), samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(take));
    samples = samples.subspan(take);
    if (partial_.size() < frameSamples_) return events;
    processFrame(partial_, true, true, events);
    partial_.clear();
  }
  for (; samples.size() >= frameSamples_; samples = samples.subspan(frameSamples_)) {
    processFrame(samples.first(frameSamples_), true, true, events);
  }
  partial_.assign(samples.begin(), samples.end());
  flushAudio(events);
  return events;
}

std::vector<SegmentEvent> UtteranceSegmenter::silence(std::chrono::milliseconds gap) {
  std::vector<SegmentEvent> events;
  if (gap.count() <= 0) return events;
  auto remaining = static_cast<size_t>(gap.count() * options_.sampleRate / 1000);
  if (!partial_.empty()) {
    // Real samples padded with the gap's zeros: may still be speech, but too diluted for the floor.
    size_t pad = std::min(frameSamples_ - partial_.size(), remaining);
    partial_.resize(partial_.size() + pad, 0);
    remaining -= pad;
    if (partial_.size() < frameSamples_) return events;
    processFrame(partial_, true, false, events);
    partial_.clear();
  }
  const std::vector<int16_t> zeros(frameSamples_, 0);
  while (remaining >= frameSamples_) {
    if (!inUtterance_) {
      // Idle through a long stall: only the pre-roll's worth of zeros matters, not every frame.
      size_t skip = remaining / frameSamples_ * frameSamples_;
      size_t keep = std::min(skip, preRollSamples_ + minSpeechFrames_ * frameSamples_);
      history_.assign(keep, 0);
      voicedRun_ = 0;
      position_ += skip;
      remaining -= skip;
      break;
    }
    processFrame(zeros, false, false, events);
    remaining -= frameSamples_;
  }
  partial_.assign(remaining, 0);
  flushAudio(events);
  return events;
}

std::vector<SegmentEvent> UtteranceSegmenter::end(EndReason reason) {
  std::vector<SegmentEvent> events;
  if (inUtterance_ && !partial_.empty()) appendAudio(partial_, position_);
  position_ += partial_.size();
  partial_.clear();
  if (inUtterance_) endUtterance(reason, events);
  history_.clear();
  voicedRun_ = 0;
  // A closed producer's successor may be another microphone in another room.
  if (reason == EndReason::Closed) noiseMin_.clear();
  return events;
}

void UtteranceSegmenter::processFrame(std::span<const int16_t> frame, bool real, bool trackFloor,
                                      std::vector<SegmentEvent>& events) {
  double level = real ? levelDbfs(frame) : kSilenceDbfs;
  if (trackFloor) trackNoise(level);
  double threshold = std::max(noiseFloorDbfs() + options_.speechAboveNoiseDb, options_.minSpeechDbfs);
  bool voiced = real && level >= threshold;
  uint64_t frameStart = position_;
  position_ += frame.size();

  if (!inUtterance_) {
    history_.insert(history_.end(), frame.begin(), frame.end());
    size_t keep = preRollSamples_ + minSpeechFrames_ * frameSamples_;
    if (history_.size() > keep)
      history_.erase(history_.begin(), history_.end() - static_cast<std::ptrdiff_t>(keep));
    voicedRun_ = voiced ? voicedRun_ + 1 : 0;
    if (voicedRun_ < minSpeechFrames_) return;
    uint64_t speechStart = position_ - voicedRun_ * frameSamples_;
    uint64_t historyStart = position_ - history_.size();
    uint64_t start = std::max(historyStart, speechStart - std::min<uint64_t>(speechStart, preRollSamples_));
    startUtterance(start, events);
    std::vector<int16_t> lead(history_.end() - static_cast<std::ptrdiff_t>(position_ - start),
                              history_.end());
    appendAudio(lead, start);
    history_.clear();
    voicedRun_ = 0;
    speechEnd_ = position_;
    return;
  }

  appendAudio(frame, frameStart);
  if (voiced) {
    speechEnd_ = position_;
    unvoicedRun_ = 0;
  } else {
    ++unvoicedRun_;
  }
  if (unvoicedRun_ >= hangoverFrames_) {
    endUtterance(EndReason::Silence, events);
  } else if (position_ - utteranceStart_ >= maxUtteranceSamples_) {
    endUtterance(EndReason::MaxLength, events);
    // Still talking: carry straight on, without pre-roll (it is the end of the last utterance) and
    // without waiting for minSpeech again.
    if (voiced) startUtterance(position_, events);
  }
}

void UtteranceSegmenter::startUtterance(uint64_t start, std::vector<SegmentEvent>& events) {
  flushAudio(events);
  SegmentEvent started;
  started.type = SegmentEvent::Started;
  started.startSample = start;
  events.push_back(std::move(started));
  inUtterance_ = true;
  utteranceStart_ = start;
  speechEnd_ = start;
  unvoicedRun_ = 0;
}

void UtteranceSegmenter::endUtterance(EndReason reason, std::vector<SegmentEvent>& events) {
  flushAudio(events);
  SegmentEvent ended;
  ended.type = SegmentEvent::Ended;
  ended.reason = reason;
  ended.speechEndSample = speechEnd_;
  ended.startSample = utteranceStart_;
  events.push_back(std::move(ended));
  inUtterance_ = false;
  unvoicedRun_ = 0;
  voicedRun_ = 0;
  // The next pre-roll must not repeat audio this utterance already carried.
  history_.clear();
}

void UtteranceSegmenter::appendAudio(std::span<const int16_t> samples, uint64_t at) {
  if (audio_.samples.empty()) audio_.startSample = at;
  audio_.samples.insert(audio_.samples.end(), samples.begin(), samples.end());
}

void UtteranceSegmenter::flushAudio(std::vector<SegmentEvent>& events) {
  if (audio_.samples.empty()) return;
  audio_.type = SegmentEvent::Audio;
  events.push_back(std::move(audio_));
  audio_ = SegmentEvent{};
}

void UtteranceSegmenter::trackNoise(double levelDb) {
  // Sliding-window minimum (monotonic deque): the quietest frame of the last noiseWindow.
  ++realFrames_;
  while (!noiseMin_.empty() && noiseMin_.back().second >= levelDb) noiseMin_.pop_back();
  noiseMin_.emplace_back(realFrames_, levelDb);
  while (noiseMin_.front().first + noiseWindowFrames_ <= realFrames_) noiseMin_.pop_front();
}

}  // namespace jb::translation
