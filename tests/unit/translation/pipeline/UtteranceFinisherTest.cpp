#include <gtest/gtest.h>

#include "PipelineFakes.hpp"
#include "RtpOpusSource.hpp"
#include "translation/audio/OpusFrameDecoder.hpp"
#include "translation/pipeline/UtteranceFinisher.hpp"

namespace jb::translation {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::vector<LanguagePair> fromEnglish(std::initializer_list<const char*> targets) {
  std::vector<LanguagePair> pairs;
  for (const char* to : targets) pairs.push_back({"en", to});
  return pairs;
}

class UtteranceFinisherTest : public ::testing::Test {
 protected:
  void build(std::vector<LanguagePair> pairs, std::vector<std::string> voiceLanguages, size_t capacity = 8,
             std::set<std::string> failing = {}) {
    pool_ = std::make_unique<RecognizerPool>(
        test::scriptedFactory({}, std::make_shared<test::RecognizerCalls>()), 0, 1);
    translator_ = std::make_shared<test::TaggingTranslator>(std::move(pairs), std::move(failing));
    router_ = std::make_unique<TranslationRouter>(translator_);
    auto synthesizer = std::make_unique<test::ToneSynthesizer>(std::move(voiceLanguages));
    synthesizer_ = synthesizer.get();
    std::vector<std::unique_ptr<Synthesizer>> engines;
    engines.push_back(std::move(synthesizer));
    voices_ = std::make_unique<VoiceSet>(std::move(engines));
    engines_ = std::make_unique<TranslationEngines>(TranslationEngines{*pool_, *router_, *voices_});
    finisher_ = std::make_unique<UtteranceFinisher>(
        *engines_, rooms_, metrics_, capacity, [this](CaptionEvent c) { listener_.onCaption(std::move(c)); },
        [this](SynthesizedSpeech s) { listener_.onSynthesizedSpeech(std::move(s)); });
  }

  static CaptionEvent finalCaption(std::string text, std::string utteranceId = "prod-1") {
    CaptionEvent event;
    event.roomId = "room";
    event.speakerPeerId = "alice";
    event.utteranceId = std::move(utteranceId);
    event.final = true;
    event.language = "en";
    event.text = std::move(text);
    event.speechEnded = Clock::now();
    return event;
  }

  RoomLanguages rooms_;
  TranslationMetrics metrics_;
  test::CapturingListener listener_;
  std::unique_ptr<RecognizerPool> pool_;
  std::shared_ptr<test::TaggingTranslator> translator_;
  std::unique_ptr<TranslationRouter> router_;
  test::ToneSynthesizer* synthesizer_ = nullptr;
  std::unique_ptr<VoiceSet> voices_;
  std::unique_ptr<TranslationEngines> engines_;
  std::unique_ptr<UtteranceFinisher> finisher_;
};

TEST_F(UtteranceFinisherTest, TranslatesIntoEveryCaptionLanguageExceptTheSpokenOne) {
  build(fromEnglish({"es", "fr", "de"}), {});
  rooms_.setPeer("room", "alice", "Alice", {.speak = "en", .captions = "en", .voice = false});
  rooms_.setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = false});
  rooms_.setPeer("room", "carla", "Carla", {.speak = "fr", .captions = "fr", .voice = false});
  rooms_.setPeer("room", "dieter", "Dieter", {.speak = "de", .captions = "de", .voice = false});
  finisher_->start();
  ASSERT_TRUE(finisher_->submit(finalCaption("Good morning.")));
  ASSERT_TRUE(listener_.waitForFinals(1, 5s));

  auto caption = listener_.captions().at(0);
  EXPECT_TRUE(caption.final);
  EXPECT_EQ(caption.text, "Good morning.");
  ASSERT_EQ(caption.translations.size(), 3u);
  EXPECT_FALSE(caption.translations.contains("en"));
  EXPECT_EQ(caption.translations.at("es").text, "[es] Good morning.");
  EXPECT_EQ(caption.translations.at("fr").text, "[fr] Good morning.");
  EXPECT_EQ(caption.translations.at("de").text, "[de] Good morning.");
  EXPECT_TRUE(caption.translations.at("es").via.empty());
  EXPECT_EQ(metrics_.finalCaptions, 1u);
  EXPECT_EQ(metrics_.translation.count(), 1u);
  EXPECT_EQ(metrics_.captionLatency.count(), 1u);
}

TEST_F(UtteranceFinisherTest, ReportsThePivotOfAnIndirectRoute) {
  build({{"en", "es"}, {"es", "pt"}}, {});
  rooms_.setPeer("room", "carla", "Carla", {.speak = "pt", .captions = "pt", .voice = false});
  finisher_->start();
  finisher_->submit(finalCaption("Hi."));
  ASSERT_TRUE(listener_.waitForFinals(1, 5s));
  auto caption = listener_.captions().at(0);
  ASSERT_TRUE(caption.translations.contains("pt"));
  EXPECT_EQ(caption.translations.at("pt").text, "[pt] [es] Hi.");
  EXPECT_EQ(caption.translations.at("pt").via, std::vector<std::string>{"es"});
}

TEST_F(UtteranceFinisherTest, LanguagesWithoutARouteOrWithAFailingEngineAreLeftOut) {
  build(fromEnglish({"es", "fr"}), {}, 8, {"fr"});
  rooms_.setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = false});
  rooms_.setPeer("room", "carla", "Carla", {.speak = "fr", .captions = "fr", .voice = false});
  rooms_.setPeer("room", "kenji", "Kenji", {.speak = "ja", .captions = "ja", .voice = false});
  finisher_->start();
  finisher_->submit(finalCaption("Hi."));
  ASSERT_TRUE(listener_.waitForFinals(1, 5s));
  auto caption = listener_.captions().at(0);
  EXPECT_EQ(caption.translations.size(), 1u);
  EXPECT_TRUE(caption.translations.contains("es"));
  EXPECT_EQ(metrics_.translationErrors, 1u) << "fr failed; ja has no route, which is not an error";
}

TEST_F(UtteranceFinisherTest, SynthesizesOnlyTheLanguagesWithVoiceOn) {
  build(fromEnglish({"es", "fr", "de"}), {"en", "es", "fr", "de"});
  rooms_.setPeer("room", "alice", "Alice", {.speak = "en", .captions = "en", .voice = true});  // own language
  rooms_.setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = true});
  rooms_.setPeer("room", "carla", "Carla", {.speak = "fr", .captions = "fr", .voice = false});
  rooms_.setPeer("room", "dieter", "Dieter", {.speak = "de", .captions = "de", .voice = true});
  finisher_->start();
  finisher_->submit(finalCaption("Thank you."));
  ASSERT_TRUE(
      listener_.waitFor([](const auto& c, const auto& s) { return c.size() == 1 && s.size() == 2; }, 5s));

  EXPECT_EQ(synthesizer_->spoken(), (std::vector<std::string>{"de: [de] Thank you.", "es: [es] Thank you."}));
  auto speech = listener_.speech();
  ASSERT_EQ(speech.size(), 2u);
  EXPECT_EQ(speech[0].language, "de");
  EXPECT_EQ(speech[1].language, "es");
  for (const auto& s : speech) {
    EXPECT_EQ(s.roomId, "room");
    EXPECT_EQ(s.speakerPeerId, "alice");
    EXPECT_EQ(s.utteranceId, "prod-1");
    // 300 ms of 16 kHz tone, resampled to 48 kHz: 15 frames of 20 ms, plus the filter's tail.
    EXPECT_GE(s.opusFrames.size(), 15u);
    EXPECT_LE(s.opusFrames.size(), 17u);
    OpusFrameDecoder decoder;
    std::vector<int16_t> pcm;
    for (const auto& frame : s.opusFrames) test::append(pcm, decoder.decode(frame));
    EXPECT_GT(test::rms(pcm), 2000) << "the synthesized tone survives Opus";
  }
  EXPECT_EQ(metrics_.synthesizedUtterances, 2u);
  EXPECT_EQ(metrics_.synthesis.count(), 2u);
  EXPECT_EQ(metrics_.voiceLatency.count(), 2u);
}

TEST_F(UtteranceFinisherTest, NoVoiceWhenNoEngineSpeaksTheLanguage) {
  build(fromEnglish({"es", "fr"}), {"es"});
  rooms_.setPeer("room", "carla", "Carla", {.speak = "fr", .captions = "fr", .voice = true});
  finisher_->start();
  finisher_->submit(finalCaption("Thank you."));
  ASSERT_TRUE(listener_.waitForFinals(1, 5s));
  std::this_thread::sleep_for(50ms);
  EXPECT_TRUE(listener_.speech().empty());
  EXPECT_EQ(metrics_.synthesisErrors, 0u);
}

TEST_F(UtteranceFinisherTest, FullQueueDropsAndCounts) {
  build(fromEnglish({"es"}), {}, 2);
  rooms_.setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = false});
  // Not started yet, so nothing leaves the queue.
  EXPECT_TRUE(finisher_->submit(finalCaption("One.", "prod-1")));
  EXPECT_TRUE(finisher_->submit(finalCaption("Two.", "prod-2")));
  EXPECT_FALSE(finisher_->submit(finalCaption("Three.", "prod-3")));
  EXPECT_FALSE(finisher_->submit(finalCaption("Four.", "prod-4")));
  EXPECT_EQ(metrics_.utteranceDropsQueueFull, 2u);

  finisher_->start();
  ASSERT_TRUE(listener_.waitForFinals(2, 5s));
  std::this_thread::sleep_for(50ms);
  auto captions = listener_.captions();
  ASSERT_EQ(captions.size(), 2u);
  EXPECT_EQ(captions[0].utteranceId, "prod-1");
  EXPECT_EQ(captions[1].utteranceId, "prod-2");
  // Once drained, the queue takes new utterances again.
  EXPECT_TRUE(finisher_->submit(finalCaption("Five.", "prod-5")));
  EXPECT_TRUE(listener_.waitForFinals(3, 5s));
}

TEST_F(UtteranceFinisherTest, TranslateForRoomFillsPartialsToo) {
  build(fromEnglish({"es"}), {});
  rooms_.setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = true});
  CaptionEvent partial = finalCaption("Good");
  partial.final = false;
  finisher_->translateForRoom(partial);
  ASSERT_TRUE(partial.translations.contains("es"));
  EXPECT_EQ(partial.translations.at("es").text, "[es] Good");
}

}  // namespace
}  // namespace jb::translation
