#pragma once

#include <string>

namespace jb::translation {

// One language the pipeline can speak, and the engine that will speak it.
struct VoiceInfo {
  std::string language;  // ISO 639-1
  std::string engine;    // Synthesizer::name()

  bool operator==(const VoiceInfo&) const = default;
};

}  // namespace jb::translation
