#include <gtest/gtest.h>

#include "SpeechLevel.hpp"
#include "SynthesisTiming.hpp"
#include "translation/tts/FliteSynthesizer.hpp"
#include "translation/tts/SynthesisError.hpp"

namespace jb::translation {
namespace {

TEST(FliteSynthesizer, SpeaksEnglishAsAudibleSpeechOfPlausibleLength) {
  FliteSynthesizer flite;
  const PcmAudio audio = flite.synthesize("en", "Good morning everyone");

  EXPECT_EQ(audio.sampleRate, 16000);
  EXPECT_GT(test::rms(audio), 300.0);
  EXPECT_GE(audio.duration(), std::chrono::milliseconds{800});
  EXPECT_LE(audio.duration(), std::chrono::milliseconds{4000});
}

TEST(FliteSynthesizer, OffersOnlyEnglish) {
  FliteSynthesizer flite;
  EXPECT_EQ(flite.name(), "flite");
  EXPECT_EQ(flite.languages(), std::vector<std::string>{"en"});
}

TEST(FliteSynthesizer, ThrowsForUnsupportedLanguage) {
  FliteSynthesizer flite;
  EXPECT_THROW(flite.synthesize("es", "Buenos días"), SynthesisError);
}

TEST(FliteSynthesizer, LongerTextGivesLongerAudio) {
  FliteSynthesizer flite;
  const PcmAudio shortAudio = flite.synthesize("en", "Hello");
  const PcmAudio longAudio = flite.synthesize("en", "Hello, and welcome to the weekly planning meeting.");
  EXPECT_GT(longAudio.samples.size(), shortAudio.samples.size() * 2);
}

TEST(FliteSynthesizer, PrintsMedianTimeToSynthesizeShortSentence) {
  FliteSynthesizer flite;
  test::printMedianSynthesisTime(flite, "en", "Good morning everyone");
}

}  // namespace
}  // namespace jb::translation
