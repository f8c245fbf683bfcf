#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>

#include "translation/mt/ApertiumTranslator.hpp"
#include "translation/mt/TranslationError.hpp"

namespace jb::translation {
namespace {

bool hasEnglishSpanish() {
  return ApertiumModes().find({"en", "es"}) != nullptr;
}

TEST(ApertiumTranslator, ListsInstalledDirectPairs) {
  ApertiumTranslator translator;
  EXPECT_EQ(translator.name(), "apertium");
  auto pairs = translator.pairs();
  if (!hasEnglishSpanish()) GTEST_SKIP() << "apertium-eng-spa is not installed";
  EXPECT_NE(std::find(pairs.begin(), pairs.end(), LanguagePair{"en", "es"}), pairs.end());
  EXPECT_NE(std::find(pairs.begin(), pairs.end(), LanguagePair{"es", "en"}), pairs.end());
}

TEST(ApertiumTranslator, TranslatesThroughALazilyStartedPipeline) {
  if (!hasEnglishSpanish()) GTEST_SKIP() << "apertium-eng-spa is not installed";
  ApertiumTranslator translator;
  EXPECT_EQ(translator.translate({"en", "es"}, "Good morning."), "Buenos días.");
  EXPECT_EQ(translator.translate({"es", "en"}, "Buenos días."), "Good morning.");
}

TEST(ApertiumTranslator, TranslatesWithoutStartupCostAfterWarmUp) {
  if (!hasEnglishSpanish()) GTEST_SKIP() << "apertium-eng-spa is not installed";
  ApertiumTranslator translator;
  translator.warmUp({"en", "es"});
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(translator.translate({"en", "es"}, "Thank you very much."), "Muchas gracias.");
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[ measured ] first en->es sentence after warmUp: " << ms << " ms\n";
}

TEST(ApertiumTranslator, EveryInstalledPairAnswers) {
  // Each mode has its own mix of programs (cg-proc, lsx-proc, apertium-anaphora, ...); all of
  // them must accept -z and answer through the NUL protocol.
  ApertiumTranslator translator(ApertiumModes(), std::chrono::seconds(5));
  for (const auto& pair : translator.pairs()) {
    std::string out;
    EXPECT_NO_THROW(out = translator.translate(pair, "Hello, good morning.")) << pair.from << "->" << pair.to;
    EXPECT_FALSE(out.empty()) << pair.from << "->" << pair.to;
  }
}

TEST(ApertiumTranslator, ThrowsForAPairWithoutAMode) {
  ApertiumTranslator translator;
  EXPECT_THROW(translator.translate({"en", "zz"}, "Hello."), TranslationError);
  EXPECT_THROW(translator.warmUp({"en", "zz"}), TranslationError);
}

}  // namespace
}  // namespace jb::translation
