#include "translation/mt/ApertiumText.hpp"

#include <cctype>

namespace jb::translation {

namespace {

constexpr std::string_view kReserved = "\\[]{}^$/@<>*~#";
constexpr std::string_view kMarks = "*#@";

bool isSpace(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::string escapeApertium(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20) {
      out.push_back(' ');
      continue;
    }
    if (kReserved.find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string unescapeApertium(std::string_view output, std::string_view source) {
  std::string out;
  out.reserve(output.size());
  for (size_t i = 0; i < output.size(); ++i) {
    char c = output[i];
    if (c == '\\' && i + 1 < output.size()) {
      out.push_back(output[++i]);
      continue;
    }
    // Apertium marks words it could not analyse, transfer or generate. lt-proc -n already
    // suppresses most of them; a mark character the speaker never said is one we can drop.
    bool wordStart = out.empty() || isSpace(out.back());
    bool beforeWord = i + 1 < output.size() && !isSpace(output[i + 1]);
    if (kMarks.find(c) != std::string_view::npos && wordStart && beforeWord &&
        source.find(c) == std::string_view::npos) {
      continue;
    }
    out.push_back(c);
  }
  // Where Apertium drops a word it leaves the spaces around it ("Puede  me oigo"): collapse every run of
  // whitespace to one space and trim the ends, so captions read cleanly.
  std::string collapsed;
  collapsed.reserve(out.size());
  for (char c : out) {
    if (isSpace(c)) {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed.push_back(' ');
    } else {
      collapsed.push_back(c);
    }
  }
  if (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

}  // namespace jb::translation
