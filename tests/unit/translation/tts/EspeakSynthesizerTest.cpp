#include <gtest/gtest.h>

#include <algorithm>

#include "SpeechLevel.hpp"
#include "SynthesisTiming.hpp"
#include "translation/tts/EspeakSynthesizer.hpp"
#include "translation/tts/SynthesisError.hpp"

namespace jb::translation {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(EspeakSynthesizer, SpeaksSpanishAsAudibleSpeechOfPlausibleLength) {
  EspeakSynthesizer espeak;
  const PcmAudio audio = espeak.synthesize("es", "Buenos días a todos");

  EXPECT_GT(audio.sampleRate, 0);
  EXPECT_GT(test::rms(audio), 300.0);
  EXPECT_GE(audio.duration(), std::chrono::milliseconds{600});
  EXPECT_LE(audio.duration(), std::chrono::milliseconds{4000});
}

TEST(EspeakSynthesizer, OffersTheRomanceLanguagesOfThePipeline) {
  EspeakSynthesizer espeak;
  const auto languages = espeak.languages();
  for (const char* code : {"es", "fr", "pt", "it", "ca", "de"}) {
    EXPECT_TRUE(contains(languages, code)) << code;
  }
}

TEST(EspeakSynthesizer, ListsOnlyTwoLetterLowercaseCodes) {
  EspeakSynthesizer espeak;
  for (const std::string& code : espeak.languages()) {
    EXPECT_EQ(code.size(), 2u) << code;
    EXPECT_TRUE(std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; })) << code;
  }
}

TEST(EspeakSynthesizer, ThrowsForUnsupportedLanguage) {
  EspeakSynthesizer espeak;
  EXPECT_THROW(espeak.synthesize("xx", "hello"), SynthesisError);
  EXPECT_THROW(espeak.synthesize("", "hello"), SynthesisError);
}

TEST(EspeakSynthesizer, SpeaksEachRequestedLanguageInTurn) {
  EspeakSynthesizer espeak;
  EXPECT_GT(test::rms(espeak.synthesize("fr", "Bonjour à tous")), 300.0);
  EXPECT_GT(test::rms(espeak.synthesize("pt", "Bom dia a todos")), 300.0);
  EXPECT_GT(test::rms(espeak.synthesize("it", "Buongiorno a tutti")), 300.0);
}

TEST(EspeakSynthesizer, FasterRateGivesShorterAudio) {
  EspeakSynthesizer slow(120);
  EspeakSynthesizer fast(260);
  const std::string text = "Buenos días a todos, empezamos la reunión.";
  EXPECT_LT(fast.synthesize("es", text).samples.size(), slow.synthesize("es", text).samples.size());
}

TEST(EspeakSynthesizer, PrintsMedianTimeToSynthesizeShortSentence) {
  EspeakSynthesizer espeak;
  test::printMedianSynthesisTime(espeak, "es", "Buenos días a todos");
}

}  // namespace
}  // namespace jb::translation
