#pragma once

#include <string>
#include <vector>

namespace jb::translation {

// A translated text and the pivot languages it went through (empty when the pair was direct),
// so captions can say "via Spanish" when quality may suffer.
struct TranslationResult {
  std::string text;
  std::vector<std::string> via;
};

}  // namespace jb::translation
