#include <gtest/gtest.h>

#include <string>

#include "translation/asr/WordAccuracy.hpp"

namespace jb::translation {
namespace {

struct Case {
  std::string reference;
  std::string hypothesis;
  double expected;
};

TEST(WordAccuracyTest, WordErrorRateCountsEditsPerReferenceWord) {
  const Case cases[] = {
      {"", "", 0.0},
      {"", "anything", 1.0},
      {"hello world", "", 1.0},
      {"can you hear me now", "can you hear me now", 0.0},
      {"can you hear me now", "Can you hear me now?", 0.0},       // case and punctuation ignored
      {"let's start", "Let's start.", 0.0},                       // apostrophe kept inside a word
      {"can you hear me now", "can you here me now", 0.2},        // one substitution
      {"can you hear me now", "can you hear now", 0.2},           // one deletion
      {"can you hear me now", "can you hear me right now", 0.2},  // one insertion
      {"a b c d", "d c b a", 1.0},
      {"one", "one two three", 2.0},  // insertions can push WER above 1
  };
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(wordErrorRate(c.reference, c.hypothesis), c.expected)
        << "ref: '" << c.reference << "' hyp: '" << c.hypothesis << "'";
  }
}

TEST(WordAccuracyTest, SharedWordFractionCountsReferenceWordsFoundAsMultiset) {
  const Case cases[] = {
      {"", "", 1.0},
      {"", "anything", 1.0},
      {"hello world", "", 0.0},
      {"can you hear me now", "now me hear you can", 1.0},  // order ignored
      {"the cat and the dog", "the cat and a dog", 0.8},    // second "the" is not matched
      {"thank you", "THANK YOU!", 1.0},
      {"good morning everyone", "good evening", 1.0 / 3.0},
  };
  for (const auto& c : cases) {
    EXPECT_DOUBLE_EQ(sharedWordFraction(c.reference, c.hypothesis), c.expected)
        << "ref: '" << c.reference << "' hyp: '" << c.hypothesis << "'";
  }
}

TEST(WordAccuracyTest, ComparableWordsLowercasesAndStripsPunctuation) {
  EXPECT_EQ(comparableWords("  Hello, World! 'Let's' go-ahead "),
            (std::vector<std::string>{"hello", "world", "let's", "go", "ahead"}));
}

}  // namespace
}  // namespace jb::translation
