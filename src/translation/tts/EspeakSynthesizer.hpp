#pragma once

#include "translation/tts/Synthesizer.hpp"

namespace jb::translation {

// Every language espeak-ng has a voice for, through its C API, audio kept in memory (22.05 kHz).
class EspeakSynthesizer : public Synthesizer {
 public:
  // A little faster than conversational speech, so interpretation keeps up with the speaker.
  static constexpr int kDefaultWordsPerMinute = 175;

  // Throws SynthesisError if espeak-ng cannot initialise (e.g. its data directory is missing).
  explicit EspeakSynthesizer(int wordsPerMinute = kDefaultWordsPerMinute);

  std::string name() const override { return "espeak-ng"; }
  std::vector<std::string> languages() const override;
  PcmAudio synthesize(const std::string& language, const std::string& text) override;

 private:
  int wordsPerMinute_;
};

}  // namespace jb::translation
