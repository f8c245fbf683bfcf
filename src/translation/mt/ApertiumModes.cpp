#include "translation/mt/ApertiumModes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace jb::translation {

namespace {

// Apertium names newer pairs with ISO 639-3 codes and older ones with ISO 639-1.
const std::map<std::string, std::string, std::less<>>& threeLetterCodes() {
  static const std::map<std::string, std::string, std::less<>> codes = {
      {"afr", "af"}, {"arg", "an"}, {"bel", "be"}, {"bre", "br"}, {"bul", "bg"}, {"cat", "ca"}, {"ces", "cs"},
      {"cym", "cy"}, {"dan", "da"}, {"deu", "de"}, {"ell", "el"}, {"eng", "en"}, {"epo", "eo"}, {"est", "et"},
      {"eus", "eu"}, {"fao", "fo"}, {"fin", "fi"}, {"fra", "fr"}, {"gle", "ga"}, {"glg", "gl"}, {"hbs", "sh"},
      {"hin", "hi"}, {"hrv", "hr"}, {"isl", "is"}, {"ita", "it"}, {"kaz", "kk"}, {"lav", "lv"}, {"lit", "lt"},
      {"mkd", "mk"}, {"mlt", "mt"}, {"nld", "nl"}, {"nno", "nn"}, {"nob", "nb"}, {"oci", "oc"}, {"pol", "pl"},
      {"por", "pt"}, {"ron", "ro"}, {"rus", "ru"}, {"slk", "sk"}, {"slv", "sl"}, {"spa", "es"}, {"sqi", "sq"},
      {"srd", "sc"}, {"srp", "sr"}, {"swe", "sv"}, {"tat", "tt"}, {"tur", "tr"}, {"ukr", "uk"}, {"urd", "ur"},
  };
  return codes;
}

bool isLower(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Shell words of one pipeline stage: whitespace-separated, with '...', "..." and \x quoting.
std::vector<std::string> splitWords(std::string_view stage) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;
  for (size_t i = 0; i < stage.size(); ++i) {
    char c = stage[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (inWord) words.push_back(std::move(word));
      word.clear();
      inWord = false;
    } else if (c == '\'') {
      size_t close = stage.find('\'', i + 1);
      if (close == std::string_view::npos) throw std::runtime_error("unterminated ' in mode file");
      word.append(stage.substr(i + 1, close - i - 1));
      i = close;
      inWord = true;
    } else if (c == '"') {
      size_t close = stage.find('"', i + 1);
      if (close == std::string_view::npos) throw std::runtime_error("unterminated \" in mode file");
      std::string_view quoted = stage.substr(i + 1, close - i - 1);
      if (quoted.find_first_of("$`\\") != std::string_view::npos) {
        throw std::runtime_error("unsupported expansion inside \"...\" in mode file");
      }
      word.append(quoted);
      i = close;
      inWord = true;
    } else if (c == '\\' && i + 1 < stage.size()) {
      word.push_back(stage[++i]);
      inWord = true;
    } else if (std::string_view(";&<>`()").find(c) != std::string_view::npos) {
      throw std::runtime_error(std::string("unsupported shell syntax '") + c + "' in mode file");
    } else {
      word.push_back(c);
      inWord = true;
    }
  }
  if (inWord) words.push_back(std::move(word));
  return words;
}

// Pipe characters outside quotes separate stages.
std::vector<std::string_view> splitStages(std::string_view text) {
  std::vector<std::string_view> stages;
  char quote = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '\\') {
      ++i;
    } else if (c == '|') {
      stages.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  stages.push_back(text.substr(start));
  return stages;
}

}  // namespace

std::optional<std::string> ApertiumModes::isoCode(std::string_view apertiumCode) {
  if (apertiumCode.size() == 2 && isLower(apertiumCode)) return std::string(apertiumCode);
  const auto& codes = threeLetterCodes();
  if (auto it = codes.find(apertiumCode); it != codes.end()) return it->second;
  return std::nullopt;
}

std::vector<std::vector<std::string>> ApertiumModes::parseCommands(std::string_view modeText) {
  std::vector<std::vector<std::string>> commands;
  for (std::string_view stage : splitStages(modeText)) {
    std::vector<std::string> words = splitWords(stage);
    if (words.empty()) throw std::runtime_error("empty stage in mode file");
    std::vector<std::string> argv{words[0]};
    // Every program must flush on NUL, or a sentence would sit in a buffer until the next one.
    if (std::find(words.begin(), words.end(), "-z") == words.end()) argv.push_back("-z");
    for (size_t i = 1; i < words.size(); ++i) {
      const std::string& word = words[i];
      if (word == "$1") {
        // Unmarked generation, as `apertium -u`: unknown words come out bare, not as *word.
        argv.push_back("-n");
      } else if (word == "$2") {
        // Tagger extras (e.g. -m for morphological ambiguity output); we want the default.
      } else if (word.find('$') != std::string::npos) {
        throw std::runtime_error("unsupported variable '" + word + "' in mode file");
      } else {
        argv.push_back(word);
      }
    }
    commands.push_back(std::move(argv));
  }
  return commands;
}

ApertiumModes::ApertiumModes(std::filesystem::path dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return;

  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".mode") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());

  for (const auto& file : files) {
    std::string name = file.stem().string();
    size_t dash = name.find('-');
    if (dash == std::string::npos || name.find('-', dash + 1) != std::string::npos) continue;
    std::string_view left = std::string_view(name).substr(0, dash);
    std::string_view right = std::string_view(name).substr(dash + 1);
    // Variants carry an underscore suffix (es-pt_BR, eng-cat_valencia); isLower rejects them.
    if (!isLower(left) || !isLower(right)) continue;
    auto from = isoCode(left);
    auto to = isoCode(right);
    if (!from || !to || *from == *to) continue;

    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    ApertiumMode mode{{*from, *to}, name, file, {}};
    try {
      mode.commands = parseCommands(text.str());
    } catch (const std::exception& e) {
      spdlog::warn("apertium: skipping mode {}: {}", file.string(), e.what());
      continue;
    }

    auto existing = std::find_if(modes_.begin(), modes_.end(),
                                 [&](const ApertiumMode& m) { return m.pair == mode.pair; });
    if (existing == modes_.end()) {
      modes_.push_back(std::move(mode));
    } else if (mode.name.size() > existing->name.size()) {
      // Both "en-es" and "eng-spa": the ISO 639-3 name is the newer, maintained package.
      *existing = std::move(mode);
    }
  }
}

const ApertiumMode* ApertiumModes::find(const LanguagePair& pair) const {
  auto it = std::find_if(modes_.begin(), modes_.end(), [&](const ApertiumMode& m) { return m.pair == pair; });
  return it == modes_.end() ? nullptr : &*it;
}

}  // namespace jb::translation
