#include "translation/mt/ApertiumTranslator.hpp"

#include "translation/mt/TranslationError.hpp"

namespace jb::translation {

ApertiumTranslator::ApertiumTranslator(ApertiumModes modes, std::chrono::milliseconds timeout)
    : modes_(std::move(modes)), timeout_(timeout) {}

std::vector<LanguagePair> ApertiumTranslator::pairs() const {
  std::vector<LanguagePair> result;
  for (const auto& mode : modes_.modes()) result.push_back(mode.pair);
  return result;
}

ApertiumPipeline& ApertiumTranslator::pipeline(const LanguagePair& pair) {
  std::lock_guard lock(mutex_);
  auto& slot = pipelines_[pair];
  if (!slot) {
    const ApertiumMode* mode = modes_.find(pair);
    if (mode == nullptr) {
      pipelines_.erase(pair);
      throw TranslationError("apertium: no mode for " + pair.from + "->" + pair.to);
    }
    // Spawning is a few fork/execs, cheap enough to do under the lock; loading the dictionaries
    // happens in the children afterwards.
    try {
      slot = std::make_unique<ApertiumPipeline>(mode->commands, timeout_);
    } catch (...) {
      pipelines_.erase(pair);
      throw;
    }
  }
  return *slot;
}

std::string ApertiumTranslator::translate(const LanguagePair& pair, const std::string& text) {
  return pipeline(pair).translate(text);
}

void ApertiumTranslator::warmUp(const LanguagePair& pair) {
  pipeline(pair).translate("Hello.");
}

}  // namespace jb::translation
