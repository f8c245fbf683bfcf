#pragma once

#include "translation/tts/Synthesizer.hpp"

namespace jb::translation {

// English through flite's C API with the built-in cmu_us_slt voice (16 kHz), audio kept in memory.
class FliteSynthesizer : public Synthesizer {
 public:
  // Throws SynthesisError if flite cannot load its voice.
  FliteSynthesizer();

  std::string name() const override { return "flite"; }
  std::vector<std::string> languages() const override { return {"en"}; }
  PcmAudio synthesize(const std::string& language, const std::string& text) override;
};

}  // namespace jb::translation
