#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "translation/mt/ApertiumModes.hpp"
#include "translation/mt/ApertiumPipeline.hpp"
#include "translation/mt/Translator.hpp"

namespace jb::translation {

// Translator over the installed Apertium modes: one persistent pipeline per direction, started on
// first use (or by warmUp) and kept for the translator's lifetime. Directions run in parallel;
// sentences of one direction are serialised by its pipeline.
class ApertiumTranslator : public Translator {
 public:
  explicit ApertiumTranslator(ApertiumModes modes = ApertiumModes(),
                              std::chrono::milliseconds timeout = ApertiumPipeline::kDefaultTimeout);

  std::string name() const override { return "apertium"; }
  std::vector<LanguagePair> pairs() const override;
  std::string translate(const LanguagePair& pair, const std::string& text) override;

  // Starts the pair's pipeline and pushes one sentence through, so dictionary loading (~100 ms)
  // happens before the first caption. Throws TranslationError for an unsupported pair.
  void warmUp(const LanguagePair& pair);

 private:
  ApertiumPipeline& pipeline(const LanguagePair& pair);

  const ApertiumModes modes_;
  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;  // guards pipelines_ (the map, not the pipelines)
  std::map<LanguagePair, std::unique_ptr<ApertiumPipeline>> pipelines_;
};

}  // namespace jb::translation
