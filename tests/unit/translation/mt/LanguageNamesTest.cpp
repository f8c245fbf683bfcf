#include <gtest/gtest.h>

#include "translation/mt/ApertiumModes.hpp"
#include "translation/mt/LanguageNames.hpp"

namespace jb::translation {
namespace {

TEST(LanguageNames, GivesEnglishAndNativeNames) {
  EXPECT_EQ(LanguageNames::englishName("es"), "Spanish");
  EXPECT_EQ(LanguageNames::nativeName("es"), "Español");
  EXPECT_EQ(LanguageNames::englishName("pt"), "Portuguese");
  EXPECT_EQ(LanguageNames::nativeName("pt"), "Português");
  EXPECT_EQ(LanguageNames::nativeName("ca"), "Català");
}

TEST(LanguageNames, ReturnsUnknownCodesUnchanged) {
  EXPECT_EQ(LanguageNames::englishName("zz"), "zz");
  EXPECT_FALSE(LanguageNames::known("zz"));
}

TEST(LanguageNames, NamesEveryInstalledApertiumLanguage) {
  ApertiumModes modes;
  for (const auto& mode : modes.modes()) {
    EXPECT_TRUE(LanguageNames::known(mode.pair.from)) << mode.pair.from;
    EXPECT_TRUE(LanguageNames::known(mode.pair.to)) << mode.pair.to;
  }
}

}  // namespace
}  // namespace jb::translation
