#pragma once

#include <cmath>

#include "translation/audio/PcmAudio.hpp"

namespace jb::translation::test {

// Root-mean-square sample level: near 0 for silence, thousands for synthesized speech.
inline double rms(const PcmAudio& audio) {
  if (audio.samples.empty()) return 0.0;
  double sum = 0.0;
  for (const int16_t s : audio.samples) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / static_cast<double>(audio.samples.size()));
}

}  // namespace jb::translation::test
