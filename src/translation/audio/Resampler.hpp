#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "translation/audio/PcmAudio.hpp"

struct soxr;

namespace jb::translation {

// Streaming sample-rate conversion of mono 16-bit audio (libsoxr): 48 kHz call audio to the
// recognizer's 16 kHz, and synthesized speech to 48 kHz for Opus. Output lags input by the filter
// delay; flush() returns the tail at the end of a stream and readies the resampler for a new one.
class Resampler {
 public:
  Resampler(int inRate, int outRate);
  ~Resampler();
  Resampler(const Resampler&) = delete;
  Resampler& operator=(const Resampler&) = delete;

  std::vector<int16_t> process(std::span<const int16_t> input);
  std::vector<int16_t> flush();

  int inRate() const { return inRate_; }
  int outRate() const { return outRate_; }

 private:
  std::vector<int16_t> run(const int16_t* input, size_t count);

  struct Deleter {
    void operator()(soxr* resampler) const;
  };
  int inRate_;
  int outRate_;
  std::unique_ptr<soxr, Deleter> soxr_;
};

// A whole clip at another rate (same rate: returned as is).
PcmAudio resample(const PcmAudio& audio, int outRate);

}  // namespace jb::translation
