#include <gtest/gtest.h>

#include <string>

#include "translation/asr/TextNormalizer.hpp"

namespace jb::translation {
namespace {

struct Case {
  std::string input;
  std::string expected;
};

TEST(TextNormalizerTest, TruecasesAndPunctuatesFinalText) {
  const Case cases[] = {
      {"", ""},
      {"   \t ", ""},
      {"hello everyone", "Hello everyone."},
      {"i think we can start", "I think we can start."},
      {"yes i'm here and i'll stay", "Yes I'm here and I'll stay."},
      {"i've seen it and i'd agree", "I've seen it and I'd agree."},
      {"we meet on monday in january", "We meet on Monday in January."},
      {"she speaks english and spanish", "She speaks English and Spanish."},
      {"  too   many\tspaces  here ", "Too many spaces here."},
      {"what time is it", "What time is it?"},
      {"can you hear me now", "Can you hear me now?"},
      {"is everyone here", "Is everyone here?"},
      {"do we have the slides", "Do we have the slides?"},
      {"may i ask a question", "May I ask a question?"},
      {"we may finish early", "We may finish early."},
      {"ice cream is nice", "Ice cream is nice."},
      {"<s> hello <sil> world </s>", "Hello world."},
      {"[noise] read(2) the report", "Read the report."},
      {"Already punctuated!", "Already punctuated!"},
      {"<sil>", ""},
  };
  const TextNormalizer normalizer;
  for (const auto& c : cases) {
    EXPECT_EQ(normalizer.normalize(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

TEST(TextNormalizerTest, PartialIsTruecasedWithoutFinalPunctuation) {
  const Case cases[] = {
      {"", ""},
      {"good morning", "Good morning"},
      {"what do you", "What do you"},
      {"i think on friday", "I think on Friday"},
      {" extra  spaces ", "Extra spaces"},
  };
  const TextNormalizer normalizer;
  for (const auto& c : cases) {
    EXPECT_EQ(normalizer.normalizePartial(c.input), c.expected) << "input: '" << c.input << "'";
  }
}

}  // namespace
}  // namespace jb::translation
