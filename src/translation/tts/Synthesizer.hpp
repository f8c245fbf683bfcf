#pragma once

#include <string>
#include <vector>

#include "translation/audio/PcmAudio.hpp"

namespace jb::translation {

// A text-to-speech engine: the seam between the pipeline and flite, espeak-ng or a test fake.
class Synthesizer {
 public:
  virtual ~Synthesizer() = default;

  // Short engine name for logs and voice listings, e.g. "flite".
  virtual std::string name() const = 0;

  // ISO 639-1 codes this engine can speak ("en", "es", ...).
  virtual std::vector<std::string> languages() const = 0;

  // Speaks text (UTF-8) in language. Blocking and thread-safe; mono int16 at the engine's native rate.
  // Throws SynthesisError for an unsupported language or an engine failure.
  virtual PcmAudio synthesize(const std::string& language, const std::string& text) = 0;
};

}  // namespace jb::translation
