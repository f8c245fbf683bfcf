#include "translation/pipeline/SpeakerStream.hpp"

#include <spdlog/spdlog.h>

namespace jb::translation {

namespace {
// Packets arrive every 20 ms; a gap longer than this is DTX or a stall, and counts as silence.
constexpr auto kIdleGap = std::chrono::milliseconds(60);
constexpr int kSegmenterRate = 16000;
}  // namespace

SpeakerStream::SpeakerStream(sfu::AudioTapStream info, UtteranceSegmenter::Options segmentation,
                             RecognizerPool& recognizers, LanguageLookup language)
    : info_(std::move(info)),
      recognizers_(recognizers),
      languageOf_(std::move(language)),
      segmenter_(segmentation) {}

std::vector<SpeakerStream::Update> SpeakerStream::onPacket(uint16_t sequenceNumber, uint32_t rtpTimestamp,
                                                           std::span<const uint8_t> opus,
                                                           Clock::time_point arrival) {
  std::vector<Update> out;
  reorder_.push(sequenceNumber, rtpTimestamp, opus);
  lastArrival_ = arrival;
  idleAccountedUntil_ = arrival;
  decodeReady(out, arrival);
  return out;
}

void SpeakerStream::decodeReady(std::vector<Update>& out, Clock::time_point arrival) {
  while (auto frame = reorder_.pop()) {
    std::vector<int16_t> pcm48 =
        frame->lost ? decoder_.concealLoss(decoder_.lastFrameSamples()) : decoder_.decode(frame->payload);
    if (pcm48.empty()) continue;
    std::vector<int16_t> pcm16 = resampler_.process(pcm48);
    samplesIn_ += pcm16.size();
    segment(segmenter_.push(pcm16), out, arrival);
  }
}

std::vector<SpeakerStream::Update> SpeakerStream::onIdle(Clock::time_point now) {
  std::vector<Update> out;
  if (lastArrival_ == Clock::time_point{} || now - idleAccountedUntil_ < kIdleGap) return out;
  auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(now - idleAccountedUntil_);
  idleAccountedUntil_ = now;
  segment(segmenter_.silence(gap), out, now);
  return out;
}

std::vector<SpeakerStream::Update> SpeakerStream::onPaused(Clock::time_point now) {
  std::vector<Update> out;
  reorder_.reset();
  segment(segmenter_.end(EndReason::Paused), out, now);
  return out;
}

std::vector<SpeakerStream::Update> SpeakerStream::onClosed(Clock::time_point now) {
  std::vector<Update> out;
  segment(segmenter_.end(EndReason::Closed), out, now);
  return out;
}

SpeakerStream::Clock::time_point SpeakerStream::timeOfSample(uint64_t sample, Clock::time_point now) const {
  // The segmenter has seen samplesIn_ samples by `now`; older samples arrived earlier in proportion.
  if (sample >= samplesIn_) return now;
  auto behind = std::chrono::microseconds((samplesIn_ - sample) * 1'000'000 / kSegmenterRate);
  return now - std::chrono::duration_cast<Clock::duration>(behind);
}

void SpeakerStream::segment(std::vector<SegmentEvent> events, std::vector<Update>& out,
                            Clock::time_point now) {
  for (SegmentEvent& event : events) {
    switch (event.type) {
      case SegmentEvent::Type::Started: {
        ++utteranceCount_;
        utteranceId_ = info_.producerId + "-" + std::to_string(utteranceCount_);
        utteranceLanguage_ = languageOf_ ? languageOf_() : std::string();
        recognizer_ = {};
        if (utteranceLanguage_.empty()) {
          ++skippedUtterances_;
          break;
        }
        try {
          recognizer_ = recognizers_.acquire(utteranceLanguage_);
          recognizer_->startUtterance();
        } catch (const std::exception& e) {
          // No recogniser for this language, or all busy: this utterance gets no captions.
          ++skippedUtterances_;
          spdlog::debug("[translation] room={} peer={} utterance skipped: {}", info_.roomId, info_.peerId,
                        e.what());
          recognizer_ = {};
        }
        break;
      }
      case SegmentEvent::Type::Audio:
        if (recognizer_) {
          if (auto partial = recognizer_->acceptAudio(event.samples); partial && !partial->empty())
            out.push_back({false, utteranceId_, utteranceLanguage_, std::move(*partial), {}, now});
        }
        break;
      case SegmentEvent::Type::Ended:
        if (recognizer_) {
          std::string text = recognizer_->endUtterance();
          recognizer_ = {};  // back to the pool for the next speaker
          if (!text.empty()) {
            out.push_back({true, utteranceId_, utteranceLanguage_, std::move(text),
                           timeOfSample(event.speechEndSample, now), Clock::now()});
          }
        }
        break;
    }
  }
}

}  // namespace jb::translation
