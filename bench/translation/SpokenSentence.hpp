#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace jb::bench {

// One test sentence as a speaker's microphone would send it: flite speech followed by silence, as
// 20 ms Opus frames at 48 kHz (what a browser sends, PT 100 on the wire). The end of speech is known
// exactly because we placed it.
struct SpokenSentence {
  static constexpr std::chrono::milliseconds kPacketDuration{20};
  static constexpr int kSegmenterRate = 16000;
  static constexpr size_t kSamplesPerPacket16k = 320;

  std::string text;
  std::vector<std::vector<uint8_t>> packets;  // speech, then silence
  // 16 kHz sample index (within this clip) just after the last voiced sample.
  uint64_t speechEndSample = 0;
  // The packet that carries the last voiced sample.
  size_t speechEndPacket = 0;
};

struct SentenceVoice {
  std::string flite = "flite";  // the flite program
  std::string voice = "slt";
  std::chrono::milliseconds silenceAfter{1200};
  // A 10 ms window is voiced at or above this level: the segmenter's own absolute speech threshold.
  double voicedDbfs = -45;
};

// Sentences, one per line, blank lines skipped. Throws std::runtime_error if none can be read.
std::vector<std::string> readSentences(const std::filesystem::path& path);

// Runs the flite program once per sentence (in `scratch`), then pads, resamples and encodes.
// Throws std::runtime_error when flite fails or produces no voiced audio.
std::vector<SpokenSentence> speakSentences(const std::vector<std::string>& texts, const SentenceVoice& voice,
                                           const std::filesystem::path& scratch);

}  // namespace jb::bench
