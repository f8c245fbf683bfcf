#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "translation/tts/Synthesizer.hpp"
#include "translation/tts/VoiceInfo.hpp"

namespace jb::translation {

// Chooses one synthesizer per language: the first engine, in priority order, that speaks it.
// The choice is fixed at construction, so concurrent synthesize() calls need no lock here.
class VoiceSet {
 public:
  explicit VoiceSet(std::vector<std::unique_ptr<Synthesizer>> enginesByPriority);

  // flite for English (it sounds better there), espeak-ng for every other language.
  static VoiceSet withDefaultEngines();

  bool canSpeak(const std::string& language) const;
  // The engine chosen for language, or nullptr if none speaks it.
  const Synthesizer* engineFor(const std::string& language) const;
  // Every speakable language with its chosen engine, sorted by language.
  std::vector<VoiceInfo> voices() const;

  // Throws SynthesisError if no engine speaks language.
  PcmAudio synthesize(const std::string& language, const std::string& text) const;

 private:
  std::vector<std::unique_ptr<Synthesizer>> engines_;
  std::map<std::string, Synthesizer*> byLanguage_;
};

}  // namespace jb::translation
