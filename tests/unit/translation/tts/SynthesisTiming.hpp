#pragma once

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "translation/tts/Synthesizer.hpp"

namespace jb::translation::test {

// Prints the median time of five syntheses of text. Informational only: never asserted on,
// since the build machine's load says nothing about the code.
inline void printMedianSynthesisTime(Synthesizer& engine, const std::string& language,
                                     const std::string& text) {
  std::vector<double> millis;
  double audioSeconds = 0.0;
  for (int i = 0; i < 5; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const PcmAudio audio = engine.synthesize(language, text);
    millis.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    audioSeconds = static_cast<double>(audio.duration().count()) / 1000.0;
  }
  std::sort(millis.begin(), millis.end());
  std::cout << "[ timing   ] " << engine.name() << " " << language << " \"" << text << "\": median "
            << millis[2] << " ms for " << audioSeconds << " s of audio\n";
}

}  // namespace jb::translation::test
