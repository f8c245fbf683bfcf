#include "translation/asr/TextNormalizer.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <vector>

namespace jb::translation {

namespace {

// Opening words that make an English sentence a question.
// "don't" is left out: as an opener it is usually an imperative ("don't forget the slides").
constexpr std::string_view kQuestionOpeners[] = {
    "what",  "where", "when",   "why", "how",   "who",    "which",   "whose",  "whom",  "can",  "could",
    "would", "will",  "should", "do",  "does",  "did",    "is",      "are",    "am",    "was",  "were",
    "have",  "has",   "shall",  "may", "isn't", "aren't", "doesn't", "didn't", "can't", "won't"};

// Capitalised wherever they appear. "may" and "march" are left out: as verbs they are far more common
// in speech than as months, and a wrong capital confuses MT more than a missing one.
constexpr std::string_view kProperWords[] = {
    "monday",   "tuesday",   "wednesday", "thursday", "friday",  "saturday",  "sunday",     "january",
    "february", "april",     "june",      "july",     "august",  "september", "october",    "november",
    "december", "english",   "spanish",   "french",   "german",  "italian",   "portuguese", "catalan",
    "galician", "romanian",  "chinese",   "japanese", "russian", "arabic",    "dutch",      "european",
    "american", "british",   "america",   "europe",   "england", "spain",     "france",     "germany",
    "italy",    "christmas", "easter",    "internet"};

template <size_t N>
bool contains(const std::string_view (&words)[N], std::string_view word) {
  return std::ranges::find(words, word) != std::end(words);
}

std::string lower(std::string_view word) {
  std::string result(word);
  for (char& c : result) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return result;
}

void capitalise(std::string& word) {
  if (!word.empty()) {
    word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
  }
}

bool isMarker(std::string_view word) {
  return word.size() >= 2 &&
         ((word.front() == '<' && word.back() == '>') || (word.front() == '[' && word.back() == ']'));
}

// "read(2)" -> "read": the dictionary's numbering of alternate pronunciations.
std::string_view stripPronunciationTag(std::string_view word) {
  if (word.size() > 3 && word.back() == ')') {
    const auto open = word.rfind('(');
    if (open != std::string_view::npos && open > 0 &&
        std::all_of(word.begin() + open + 1, word.end() - 1,
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return word.substr(0, open);
    }
  }
  return word;
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> result;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    }
    const size_t start = pos;
    while (pos < text.size() && !std::isspace(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    }
    if (pos > start) {
      const auto word = text.substr(start, pos - start);
      if (!isMarker(word)) {
        result.emplace_back(stripPronunciationTag(word));
      }
    }
  }
  return result;
}

bool endsWithPunctuation(const std::string& text) {
  return !text.empty() && (text.back() == '.' || text.back() == '?' || text.back() == '!');
}

std::string truecase(const std::vector<std::string>& tokens) {
  std::string result;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string word = tokens[i];
    const std::string key = lower(word);
    if (key == "i" || key.starts_with("i'")) {
      // "i", "i'm", "i'll", "i've", "i'd".
      word[0] = 'I';
    } else if (i == 0 || contains(kProperWords, key)) {
      capitalise(word);
    }
    if (!result.empty()) {
      result += ' ';
    }
    result += word;
  }
  return result;
}

}  // namespace

std::string TextNormalizer::normalizePartial(std::string_view text) const {
  return truecase(words(text));
}

std::string TextNormalizer::normalize(std::string_view text) const {
  const auto tokens = words(text);
  std::string result = truecase(tokens);
  if (result.empty() || endsWithPunctuation(result)) {
    return result;
  }
  result += contains(kQuestionOpeners, lower(tokens.front())) ? '?' : '.';
  return result;
}

}  // namespace jb::translation
