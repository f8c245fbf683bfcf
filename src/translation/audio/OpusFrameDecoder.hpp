#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct OpusDecoder;

namespace jb::translation {

// One participant's Opus stream decoded to 48 kHz mono. Browsers may flag their Opus as stereo;
// libopus mixes such packets down because the decoder is opened with one channel.
class OpusFrameDecoder {
 public:
  static constexpr int kSampleRate = 48000;

  OpusFrameDecoder();
  ~OpusFrameDecoder();
  OpusFrameDecoder(const OpusFrameDecoder&) = delete;
  OpusFrameDecoder& operator=(const OpusFrameDecoder&) = delete;

  // The packet's samples, or empty (and counted) if the payload is not valid Opus.
  std::vector<int16_t> decode(std::span<const uint8_t> payload);
  // Opus packet loss concealment for `samples` samples of missing audio (e.g. lastFrameSamples()).
  std::vector<int16_t> concealLoss(int samples);

  // Duration of the last good packet, so a lost one can be concealed with the same length.
  int lastFrameSamples() const { return lastFrameSamples_; }
  size_t corruptFrames() const { return corruptFrames_; }

 private:
  struct Deleter {
    void operator()(OpusDecoder* decoder) const;
  };
  std::unique_ptr<OpusDecoder, Deleter> decoder_;
  int lastFrameSamples_ = 960;
  size_t corruptFrames_ = 0;
};

}  // namespace jb::translation
