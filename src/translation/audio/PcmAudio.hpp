#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace jb::translation {

// Mono 16-bit linear PCM at a known rate: what every stage of the pipeline hands to the next.
struct PcmAudio {
  int sampleRate = 0;
  std::vector<int16_t> samples;

  std::chrono::milliseconds duration() const {
    return sampleRate == 0
               ? std::chrono::milliseconds{0}
               : std::chrono::milliseconds{static_cast<int64_t>(samples.size()) * 1000 / sampleRate};
  }
};

}  // namespace jb::translation
