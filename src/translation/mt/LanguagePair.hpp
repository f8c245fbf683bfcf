#pragma once

#include <compare>
#include <string>

namespace jb::translation {

// A translation direction, as ISO 639-1 codes ("en", "es").
struct LanguagePair {
  std::string from;
  std::string to;

  auto operator<=>(const LanguagePair&) const = default;
};

}  // namespace jb::translation
