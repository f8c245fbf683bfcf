#pragma once

#include <string>
#include <vector>

#include "translation/mt/LanguagePair.hpp"

namespace jb::translation {

// The machine-translation engine seam. Implementations are thread-safe and blocking.
class Translator {
 public:
  virtual ~Translator() = default;

  // Short engine id, part of cache keys and capability reports ("apertium").
  virtual std::string name() const = 0;
  // The directions the engine translates without a pivot.
  virtual std::vector<LanguagePair> pairs() const = 0;
  // Throws TranslationError when the pair is unsupported or the engine fails.
  virtual std::string translate(const LanguagePair& pair, const std::string& text) = 0;
};

}  // namespace jb::translation
