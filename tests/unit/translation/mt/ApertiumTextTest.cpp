#include <gtest/gtest.h>

#include "translation/mt/ApertiumText.hpp"

namespace jb::translation {
namespace {

TEST(ApertiumText, EscapesEveryReservedCharacter) {
  EXPECT_EQ(escapeApertium(R"(\[]{}^$/@<>*~#)"), R"(\\\[\]\{\}\^\$\/\@\<\>\*\~\#)");
  EXPECT_EQ(escapeApertium("plain words, 50% & more."), "plain words, 50% & more.");
}

TEST(ApertiumText, ReplacesControlCharactersSoANulCannotEndTheRequest) {
  EXPECT_EQ(escapeApertium(std::string("a\0b\nc", 5)), "a b c");
}

TEST(ApertiumText, UnescapeRoundTripsEscapedText) {
  const std::string text = R"(A [note] costs $5 / {x} <y> ^z back\slash *star* @at ~t #h)";
  EXPECT_EQ(unescapeApertium(escapeApertium(text), text), text);
}

TEST(ApertiumText, DropsUnknownWordMarksTheSpeakerDidNotSay) {
  EXPECT_EQ(unescapeApertium("*Xyzzy es #ir a @casa.", "Xyzzy is go home."), "Xyzzy es ir a casa.");
}

TEST(ApertiumText, KeepsMarkCharactersTheSourceContains) {
  EXPECT_EQ(unescapeApertium("#etiqueta y *nota", "#tag and *note"), "#etiqueta y *nota");
}

TEST(ApertiumText, TrimsTheTrailingNewline) {
  EXPECT_EQ(unescapeApertium("  Hola.\n", "Hello."), "Hola.");
}

TEST(ApertiumText, CollapsesTheSpacesLeftWhereAWordWasDropped) {
  // eng-spa really answers "Can you hear me now?" with "Puede  me oigo ahora?" (two spaces).
  EXPECT_EQ(unescapeApertium("Puede  me oigo ahora?\n", "Can you hear me now?"), "Puede me oigo ahora?");
  EXPECT_EQ(unescapeApertium("a \t\n b", "a b"), "a b");
}

}  // namespace
}  // namespace jb::translation
