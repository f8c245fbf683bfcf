#include "translation/asr/WordAccuracy.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace jb::translation {

std::vector<std::string> comparableWords(std::string_view text) {
  std::vector<std::string> result;
  std::string word;
  const auto flush = [&] {
    // Apostrophes only count inside a word: "'quoted'" -> "quoted", "let's" stays.
    const auto first = word.find_first_not_of('\'');
    if (first != std::string::npos) {
      result.push_back(word.substr(first, word.find_last_not_of('\'') - first + 1));
    }
    word.clear();
  };
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'') {
      word += static_cast<char>(std::tolower(u));
    } else if (std::isspace(u) || c == '-') {
      flush();
    }
    // Other punctuation is dropped without splitting the word.
  }
  flush();
  return result;
}

double wordErrorRate(std::string_view reference, std::string_view hypothesis) {
  const auto ref = comparableWords(reference);
  const auto hyp = comparableWords(hypothesis);
  if (ref.empty()) {
    return hyp.empty() ? 0.0 : 1.0;
  }
  // One row of the Levenshtein table at a time: previous[j] = distance(ref[0..i), hyp[0..j)).
  std::vector<size_t> previous(hyp.size() + 1);
  std::vector<size_t> current(hyp.size() + 1);
  for (size_t j = 0; j <= hyp.size(); ++j) {
    previous[j] = j;
  }
  for (size_t i = 1; i <= ref.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= hyp.size(); ++j) {
      const size_t substitution = previous[j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1);
      current[j] = std::min({substitution, previous[j] + 1, current[j - 1] + 1});
    }
    std::swap(previous, current);
  }
  return static_cast<double>(previous[hyp.size()]) / static_cast<double>(ref.size());
}

double sharedWordFraction(std::string_view reference, std::string_view hypothesis) {
  const auto ref = comparableWords(reference);
  if (ref.empty()) {
    return 1.0;
  }
  std::map<std::string, size_t> available;
  for (const auto& word : comparableWords(hypothesis)) {
    ++available[word];
  }
  size_t shared = 0;
  for (const auto& word : ref) {
    auto it = available.find(word);
    if (it != available.end() && it->second > 0) {
      --it->second;
      ++shared;
    }
  }
  return static_cast<double>(shared) / static_cast<double>(ref.size());
}

}  // namespace jb::translation
