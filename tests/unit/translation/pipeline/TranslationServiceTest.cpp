#include <gtest/gtest.h>

#include "PipelineFakes.hpp"
#include "RtpOpusSource.hpp"
#include "translation/pipeline/TranslationService.hpp"

namespace jb::translation {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// The whole pipeline on fake engines: what a listener sees for speech pushed through the audio tap.
class TranslationServiceTest : public ::testing::Test {
 protected:
  TranslationServiceTest()
      : pool_(test::scriptedFactory({}, calls_), 0, 4),
        router_(
            std::make_shared<test::TaggingTranslator>(std::vector<LanguagePair>{{"en", "es"}, {"en", "fr"}})),
        voices_(toneVoices()),
        engines_{pool_, router_, voices_} {
    rooms().setPeer("room", "alice", "Alice", {.speak = "en", .captions = "en", .voice = false});
    rooms().setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = true});
  }

  static VoiceSet toneVoices() {
    std::vector<std::unique_ptr<Synthesizer>> engines;
    engines.push_back(std::make_unique<test::ToneSynthesizer>(std::vector<std::string>{"en", "es"}));
    return VoiceSet(std::move(engines));
  }

  RoomLanguages& rooms() { return service_.rooms(); }

  // Speech as a browser sends it: real Opus frames, silence included, pushed as fast as possible
  // (the silences are encoded frames, so the segmenter hears them however fast they come).
  void speak(uint64_t stream, int toneMs, int trailingSilenceMs) {
    auto audio = test::silence48k(300);
    test::append(audio, test::tone48k(toneMs));
    test::append(audio, test::silence48k(trailingSilenceMs));
    for (auto& bytes : source_.packets(audio)) service_.push(stream, test::rtpView(bytes));
  }

  std::shared_ptr<test::RecognizerCalls> calls_ = std::make_shared<test::RecognizerCalls>();
  RecognizerPool pool_;
  TranslationRouter router_;
  VoiceSet voices_;
  TranslationEngines engines_;
  test::CapturingListener listener_;  // outlives the service's threads
  TranslationService service_{TranslationService::Options{}, engines_};
  test::RtpOpusSource source_;
};

TEST_F(TranslationServiceTest, OneUtteranceGivesPartialThenPartialThenFinal) {
  service_.start(listener_);
  uint64_t stream = service_.openStream({"room", "prod", "alice"});
  speak(stream, 1000, 800);
  ASSERT_TRUE(listener_.waitFor(
      [](const auto& c, const auto& s) { return !c.empty() && c.back().final && !s.empty(); }, 5s));
  service_.stop();

  auto captions = listener_.captions();
  ASSERT_EQ(captions.size(), 3u);
  EXPECT_FALSE(captions[0].final);
  EXPECT_EQ(captions[0].text, "Hello");
  EXPECT_FALSE(captions[1].final);
  EXPECT_EQ(captions[1].text, "Hello world");
  EXPECT_TRUE(captions[2].final);
  EXPECT_EQ(captions[2].text, "Hello world again.");
  for (const auto& caption : captions) {
    EXPECT_EQ(caption.roomId, "room");
    EXPECT_EQ(caption.speakerPeerId, "alice");
    EXPECT_EQ(caption.speakerName, "Alice");
    EXPECT_EQ(caption.utteranceId, captions[0].utteranceId);
    EXPECT_EQ(caption.language, "en");
    EXPECT_GT(caption.timestampMs, 0);
    // Partials are translated too, into the room's caption languages only (fr is not wanted).
    ASSERT_EQ(caption.translations.size(), 1u);
    EXPECT_EQ(caption.translations.at("es").text, "[es] " + caption.text);
  }
  EXPECT_NE(captions[2].speechEnded, Clock::time_point{});

  auto speech = listener_.speech();
  ASSERT_EQ(speech.size(), 1u);
  EXPECT_EQ(speech[0].language, "es");
  EXPECT_EQ(speech[0].utteranceId, captions[2].utteranceId);
  EXPECT_FALSE(speech[0].opusFrames.empty());

  const auto& metrics = service_.metrics();
  EXPECT_EQ(metrics.partialCaptions, 2u);
  EXPECT_EQ(metrics.finalCaptions, 1u);
  EXPECT_EQ(metrics.utterances, 1u);
  EXPECT_EQ(metrics.synthesizedUtterances, 1u);
  EXPECT_EQ(metrics.asrFinal.count(), 1u);
  EXPECT_EQ(metrics.tapDropsQueueFull, 0u);
  EXPECT_EQ(metrics.packetsTapped, 105u);  // 2.1 s of 20 ms frames
}

TEST_F(TranslationServiceTest, PausedProducerEndsTheUtteranceWithoutWaitingForSilence) {
  service_.start(listener_);
  uint64_t stream = service_.openStream({"room", "prod", "alice"});
  speak(stream, 1000, 0);
  service_.setPaused(stream, true);
  ASSERT_TRUE(listener_.waitForFinals(1, 5s));
  EXPECT_EQ(listener_.captions().back().text, "Hello world again.");
  service_.setPaused(stream, false);
  speak(stream, 800, 800);
  ASSERT_TRUE(listener_.waitForFinals(2, 5s));
  auto captions = listener_.captions();
  EXPECT_NE(captions.back().utteranceId, captions.front().utteranceId);
}

TEST_F(TranslationServiceTest, SpeakerWithAnUnrecognisableLanguageGetsNoCaptions) {
  rooms().setPeer("room", "kenji", "Kenji", {.speak = "ja", .captions = "ja", .voice = false});
  service_.start(listener_);
  uint64_t stream = service_.openStream({"room", "prod-k", "kenji"});
  speak(stream, 1000, 800);
  // An unknown peer (not in RoomLanguages) has no language either.
  uint64_t stranger = service_.openStream({"room", "prod-x", "stranger"});
  speak(stranger, 1000, 800);
  std::this_thread::sleep_for(500ms);
  // The pipeline carries on for everyone else.
  uint64_t alice = service_.openStream({"room", "prod-a", "alice"});
  speak(alice, 1000, 800);
  ASSERT_TRUE(listener_.waitForFinals(1, 5s));
  service_.closeStream(stream);
  service_.closeStream(stranger);
  service_.closeStream(alice);
  service_.stop();
  for (const auto& caption : listener_.captions()) EXPECT_EQ(caption.speakerPeerId, "alice");
  EXPECT_EQ(calls_->started, 1);
}

TEST_F(TranslationServiceTest, StreamsOfSeveralSpeakersAreKeptApart) {
  TranslationService::Options options;
  options.recognitionThreads = 2;
  TranslationService service(options, engines_);
  service.rooms().setPeer("room", "alice", "Alice", {.speak = "en", .captions = "es", .voice = false});
  service.rooms().setPeer("room", "carla", "Carla", {.speak = "en", .captions = "fr", .voice = false});
  service.start(listener_);
  uint64_t a = service.openStream({"room", "prod-a", "alice"});
  uint64_t c = service.openStream({"room", "prod-c", "carla"});
  test::RtpOpusSource sourceA(1), sourceC(2);
  auto audio = test::silence48k(300);
  test::append(audio, test::tone48k(1000));
  test::append(audio, test::silence48k(800));
  auto packetsA = sourceA.packets(audio);
  auto packetsC = sourceC.packets(audio);
  for (size_t i = 0; i < packetsA.size(); ++i) {
    service.push(a, test::rtpView(packetsA[i]));
    service.push(c, test::rtpView(packetsC[i]));
  }
  ASSERT_TRUE(listener_.waitForFinals(2, 5s));
  service.stop();
  std::set<std::string> finalIds;
  for (const auto& caption : listener_.captions()) {
    if (!caption.final) continue;
    finalIds.insert(caption.utteranceId);
    EXPECT_EQ(caption.translations.size(), 2u) << "es and fr are both wanted in the room";
  }
  EXPECT_EQ(finalIds, (std::set<std::string>{"prod-a-1", "prod-c-1"}));
}

}  // namespace
}  // namespace jb::translation
