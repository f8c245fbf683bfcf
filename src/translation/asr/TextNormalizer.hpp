#pragma once

#include <string>
#include <string_view>

namespace jb::translation {

// Turns recognizer output (pocketsphinx: lowercase words, no punctuation) into a sentence machine
// translation handles well: "i think we can start on monday" -> "I think we can start on Monday."
// English rules: truecasing of "i" and its contractions, the sentence's first letter and a short list
// of always-capitalised words (days, most months, languages and nationalities); whitespace collapsed;
// "?" after a sentence that opens with a question word or auxiliary, else ".".
// Recognizer markers ("<sil>", "[noise]") and alternate-pronunciation tags ("read(2)") are dropped.
class TextNormalizer {
 public:
  // Final text: truecased and punctuated. Empty (or only whitespace/markers) in -> empty out.
  std::string normalize(std::string_view text) const;
  // A partial hypothesis: truecased but without the final punctuation, since the sentence goes on.
  std::string normalizePartial(std::string_view text) const;
};

}  // namespace jb::translation
