#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jb::translation {

// Recognition accuracy measures for tests and benchmarks. Words are compared lowercased, with
// punctuation removed (apostrophes inside a word stay: "let's").

// The words of `text` as compared by the measures below.
std::vector<std::string> comparableWords(std::string_view text);

// Word error rate: word-level edit distance (substitutions + insertions + deletions) divided by the
// number of reference words. Can exceed 1. An empty reference gives 0 for an empty hypothesis, else 1.
double wordErrorRate(std::string_view reference, std::string_view hypothesis);

// Fraction of reference words that also appear in the hypothesis, counted as a multiset and ignoring
// order. 1 for an empty reference.
double sharedWordFraction(std::string_view reference, std::string_view hypothesis);

}  // namespace jb::translation
