#include <gtest/gtest.h>

#include <future>

#include "SpeechLevel.hpp"
#include "translation/tts/EspeakSynthesizer.hpp"
#include "translation/tts/FliteSynthesizer.hpp"
#include "translation/tts/SynthesisError.hpp"
#include "translation/tts/VoiceSet.hpp"

namespace jb::translation {
namespace {

// Speaks a fixed set of languages by returning one sample whose value identifies the engine.
class FakeSynthesizer : public Synthesizer {
 public:
  FakeSynthesizer(std::string name, std::vector<std::string> languages, int16_t mark)
      : name_(std::move(name)), languages_(std::move(languages)), mark_(mark) {}
  std::string name() const override { return name_; }
  std::vector<std::string> languages() const override { return languages_; }
  PcmAudio synthesize(const std::string&, const std::string&) override { return {8000, {mark_}}; }

 private:
  std::string name_;
  std::vector<std::string> languages_;
  int16_t mark_;
};

VoiceSet fakeVoiceSet() {
  std::vector<std::unique_ptr<Synthesizer>> engines;
  engines.push_back(std::make_unique<FakeSynthesizer>("first", std::vector<std::string>{"en", "es"}, 1));
  engines.push_back(std::make_unique<FakeSynthesizer>("second", std::vector<std::string>{"es", "fr"}, 2));
  return VoiceSet(std::move(engines));
}

TEST(VoiceSet, EarlierEngineWinsALanguageBothSpeak) {
  const VoiceSet voices = fakeVoiceSet();
  EXPECT_EQ(voices.engineFor("es")->name(), "first");
  EXPECT_EQ(voices.synthesize("es", "hola").samples, std::vector<int16_t>{1});
  EXPECT_EQ(voices.synthesize("fr", "salut").samples, std::vector<int16_t>{2});
}

TEST(VoiceSet, ListsEachLanguageOnceWithItsEngine) {
  const VoiceSet voices = fakeVoiceSet();
  const std::vector<VoiceInfo> expected{{"en", "first"}, {"es", "first"}, {"fr", "second"}};
  EXPECT_EQ(voices.voices(), expected);
}

TEST(VoiceSet, ThrowsWhenNoEngineSpeaksTheLanguage) {
  const VoiceSet voices = fakeVoiceSet();
  EXPECT_FALSE(voices.canSpeak("de"));
  EXPECT_EQ(voices.engineFor("de"), nullptr);
  EXPECT_THROW(voices.synthesize("de", "hallo"), SynthesisError);
}

TEST(VoiceSet, DefaultEnginesPickFliteForEnglishAndEspeakForSpanish) {
  const VoiceSet voices = VoiceSet::withDefaultEngines();
  ASSERT_TRUE(voices.canSpeak("en"));
  ASSERT_TRUE(voices.canSpeak("es"));
  EXPECT_EQ(voices.engineFor("en")->name(), "flite");
  EXPECT_EQ(voices.engineFor("es")->name(), "espeak-ng");
  EXPECT_EQ(voices.engineFor("fr")->name(), "espeak-ng");
  EXPECT_GT(test::rms(voices.synthesize("en", "Good morning everyone")), 300.0);
  EXPECT_GT(test::rms(voices.synthesize("es", "Buenos días a todos")), 300.0);
}

TEST(VoiceSet, SynthesizesConcurrentlyFromFourThreads) {
  const VoiceSet voices = VoiceSet::withDefaultEngines();
  const std::vector<std::pair<std::string, std::string>> requests{{"en", "Good morning everyone"},
                                                                  {"es", "Buenos días a todos"},
                                                                  {"en", "Let us begin the meeting"},
                                                                  {"fr", "Bonjour à tous"}};
  // Several rounds, so the threads really overlap on each engine.
  for (int round = 0; round < 3; ++round) {
    std::vector<std::future<PcmAudio>> results;
    for (const auto& [language, text] : requests) {
      results.push_back(std::async(std::launch::async,
                                   [&voices, language, text] { return voices.synthesize(language, text); }));
    }
    for (auto& result : results) EXPECT_GT(test::rms(result.get()), 300.0);
  }
}

}  // namespace
}  // namespace jb::translation
