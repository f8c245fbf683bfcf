#include "translation/pipeline/SpeakerStream.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

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
  // Never backwards: a packet delayed past a gap already counted as silence must not count it twice.
  positionTime_ = std::max(positionTime_, arrival);
  decodeReady(out, arrival);
  return out;
}

void SpeakerStream::decodeReady(std::vector<Update>& out, Clock::time_point arrival) {
  while (auto frame = reorder_.pop()) decode(*frame, out, arrival);
}

void SpeakerStream::decodeHeld(std::vector<Update>& out, Clock::time_point now) {
  for (const ReorderBuffer::Frame& frame : reorder_.flush()) decode(frame, out, now);
  reorder_.reset();
}

void SpeakerStream::decode(const ReorderBuffer::Frame& frame, std::vector<Update>& out,
                           Clock::time_point now) {
  std::vector<int16_t> pcm48 =
      frame.lost ? decoder_.concealLoss(decoder_.lastFrameSamples()) : decoder_.decode(frame.payload);
  if (pcm48.empty()) return;
  std::vector<int16_t> pcm16 = resampler_.process(pcm48);
  segment(segmenter_.push(pcm16), out, now);
}

std::vector<SpeakerStream::Update> SpeakerStream::onIdle(Clock::time_point now) {
  std::vector<Update> out;
  if (lastArrival_ == Clock::time_point{} || now - positionTime_ < kIdleGap) return out;
  auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(now - positionTime_);
  positionTime_ += gap;  // what the segmenter was told, so rounding never loses or repeats time
  segment(segmenter_.silence(gap), out, now);
  return out;
}

std::vector<SpeakerStream::Update> SpeakerStream::onPaused(Clock::time_point now) {
  std::vector<Update> out;
  decodeHeld(out, now);
  segment(segmenter_.end(EndReason::Paused), out, now);
  return out;
}

std::vector<SpeakerStream::Update> SpeakerStream::onClosed(Clock::time_point now) {
  std::vector<Update> out;
  decodeHeld(out, now);
  segment(segmenter_.end(EndReason::Closed), out, now);
  return out;
}

SpeakerStream::Clock::time_point SpeakerStream::timeOfSample(uint64_t sample) const {
  // The segmenter's stream position (packets and counted gaps alike) stands for positionTime_;
  // earlier samples happened earlier in proportion.
  uint64_t position = segmenter_.streamPosition();
  if (sample >= position) return positionTime_;
  auto behind = std::chrono::microseconds((position - sample) * 1'000'000 / kSegmenterRate);
  return positionTime_ - std::chrono::duration_cast<Clock::duration>(behind);
}

void SpeakerStream::abandonUtterance(const std::exception& error) {
  ++skippedUtterances_;
  recognizer_ = {};  // startUtterance() discards whatever the failed utterance left behind
  spdlog::warn("[translation] room={} peer={} utterance {} dropped, recognizer failed: {}", info_.roomId,
               info_.peerId, utteranceId_, error.what());
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
          try {
            if (auto partial = recognizer_->acceptAudio(event.samples); partial && !partial->empty())
              out.push_back({false, utteranceId_, utteranceLanguage_, std::move(*partial), {}, now});
          } catch (const std::exception& e) {
            abandonUtterance(e);
          }
        }
        break;
      case SegmentEvent::Type::Ended:
        if (recognizer_) {
          std::string text;
          try {
            text = recognizer_->endUtterance();
          } catch (const std::exception& e) {
            abandonUtterance(e);
            break;
          }
          recognizer_ = {};  // back to the pool for the next speaker
          if (!text.empty()) {
            out.push_back({true, utteranceId_, utteranceLanguage_, std::move(text),
                           timeOfSample(event.speechEndSample), Clock::now()});
          }
        }
        break;
    }
  }
}

}  // namespace jb::translation
