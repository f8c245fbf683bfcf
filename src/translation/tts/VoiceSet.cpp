#include "translation/tts/VoiceSet.hpp"

#include "translation/tts/EspeakSynthesizer.hpp"
#include "translation/tts/FliteSynthesizer.hpp"
#include "translation/tts/SynthesisError.hpp"

namespace jb::translation {

VoiceSet::VoiceSet(std::vector<std::unique_ptr<Synthesizer>> enginesByPriority)
    : engines_(std::move(enginesByPriority)) {
  for (const auto& engine : engines_) {
    if (engine == nullptr) throw std::invalid_argument("VoiceSet: null synthesizer");
    for (const std::string& language : engine->languages()) {
      byLanguage_.try_emplace(language, engine.get());  // an earlier engine keeps its language
    }
  }
}

VoiceSet VoiceSet::withDefaultEngines() {
  std::vector<std::unique_ptr<Synthesizer>> engines;
  engines.push_back(std::make_unique<FliteSynthesizer>());
  engines.push_back(std::make_unique<EspeakSynthesizer>());
  return VoiceSet(std::move(engines));
}

bool VoiceSet::canSpeak(const std::string& language) const {
  return byLanguage_.contains(language);
}

const Synthesizer* VoiceSet::engineFor(const std::string& language) const {
  const auto it = byLanguage_.find(language);
  return it == byLanguage_.end() ? nullptr : it->second;
}

std::vector<VoiceInfo> VoiceSet::voices() const {
  std::vector<VoiceInfo> result;
  result.reserve(byLanguage_.size());
  for (const auto& [language, engine] : byLanguage_) result.push_back({language, engine->name()});
  return result;
}

PcmAudio VoiceSet::synthesize(const std::string& language, const std::string& text) const {
  const auto it = byLanguage_.find(language);
  if (it == byLanguage_.end()) throw SynthesisError("no voice for language '" + language + "'");
  return it->second->synthesize(language, text);
}

}  // namespace jb::translation
