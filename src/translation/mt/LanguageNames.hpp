#pragma once

#include <string>
#include <string_view>

namespace jb::translation {

// Display names for ISO 639-1 codes, for language pickers and "via Spanish" notes.
// Unknown codes come back unchanged.
class LanguageNames {
 public:
  static std::string englishName(std::string_view code);
  // The language's name for itself ("Español", "Deutsch").
  static std::string nativeName(std::string_view code);
  static bool known(std::string_view code);
};

}  // namespace jb::translation
