#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sfu/AudioTap.hpp"
#include "translation/asr/RecognizerPool.hpp"
#include "translation/audio/OpusFrameDecoder.hpp"
#include "translation/audio/ReorderBuffer.hpp"
#include "translation/audio/Resampler.hpp"
#include "translation/audio/UtteranceSegmenter.hpp"

namespace jb::translation {

// One tapped audio producer on its way to text: reorder -> Opus decode (48 kHz) -> resample (16 kHz)
// -> utterance segmentation -> a recognizer leased for the length of each utterance. Owned and
// driven by one pipeline thread; nothing here is shared.
class SpeakerStream {
 public:
  using Clock = std::chrono::steady_clock;
  struct Update {
    bool final = false;
    std::string utteranceId;
    std::string language;
    std::string text;                 // raw recognizer output; empty finals are not reported
    Clock::time_point speechEnded{};  // finals: when the speaker stopped (end of the last voiced frame)
    Clock::time_point recognized{};   // when the text became available
  };
  // The language the speaker says they speak, asked at the start of each utterance (it may change
  // mid-call); empty or unrecognisable: the utterance is skipped.
  using LanguageLookup = std::function<std::string()>;

  SpeakerStream(sfu::AudioTapStream info, UtteranceSegmenter::Options segmentation,
                RecognizerPool& recognizers, LanguageLookup language);

  const sfu::AudioTapStream& info() const { return info_; }

  std::vector<Update> onPacket(uint16_t sequenceNumber, uint32_t rtpTimestamp, std::span<const uint8_t> opus,
                               Clock::time_point arrival);
  // Called regularly. `now` is a time by which every packet that arrived has been handed to onPacket:
  // a stream that stopped sending (Opus DTX, a stall) counts as silence from its last packet to `now`.
  std::vector<Update> onIdle(Clock::time_point now);
  std::vector<Update> onPaused(Clock::time_point now);
  std::vector<Update> onClosed(Clock::time_point now);

  uint64_t utterances() const { return utteranceCount_; }
  uint64_t skippedUtterances() const { return skippedUtterances_; }
  // Utterances skipped since the last call: the owner adds them to the service-wide metrics.
  uint64_t takeNewSkippedUtterances() {
    const uint64_t fresh = skippedUtterances_ - skippedReported_;
    skippedReported_ = skippedUtterances_;
    return fresh;
  }

 private:
  void decodeReady(std::vector<Update>& out, Clock::time_point arrival);
  // Frames still held for reordering, decoded before the utterance is ended by a pause or close.
  void decodeHeld(std::vector<Update>& out, Clock::time_point now);
  void decode(const ReorderBuffer::Frame& frame, std::vector<Update>& out, Clock::time_point now);
  void segment(std::vector<SegmentEvent> events, std::vector<Update>& out, Clock::time_point now);
  // The recognizer failed mid-utterance: the utterance gets no more captions, the stream goes on.
  void abandonUtterance(const std::exception& error);
  Clock::time_point timeOfSample(uint64_t sample) const;

  sfu::AudioTapStream info_;
  RecognizerPool& recognizers_;
  LanguageLookup languageOf_;
  ReorderBuffer reorder_;
  OpusFrameDecoder decoder_;
  Resampler resampler_{48000, 16000};
  UtteranceSegmenter segmenter_;
  RecognizerPool::Lease recognizer_;
  std::string utteranceLanguage_;
  std::string utteranceId_;
  uint64_t utteranceCount_ = 0;
  uint64_t skippedUtterances_ = 0;
  uint64_t skippedReported_ = 0;
  Clock::time_point lastArrival_{};
  // The time the segmenter's stream position stands for: the arrival of the newest packet, or the end
  // of the last gap counted as silence. Sample indices are turned into times from here, so a gap
  // counted as silence moves both together.
  Clock::time_point positionTime_{};
};

}  // namespace jb::translation
