#include <gtest/gtest.h>

#include "PipelineFakes.hpp"
#include "RtpOpusSource.hpp"
#include "translation/pipeline/SpeakerStream.hpp"

namespace jb::translation {
namespace {

using namespace std::chrono_literals;
using Clock = SpeakerStream::Clock;
using Update = SpeakerStream::Update;

void append(std::vector<Update>& to, std::vector<Update> more) {
  for (auto& u : more) to.push_back(std::move(u));
}

std::vector<Update> finalsOf(const std::vector<Update>& updates) {
  std::vector<Update> finals;
  for (const auto& u : updates)
    if (u.final) finals.push_back(u);
  return finals;
}

long long msBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

class SpeakerStreamTest : public ::testing::Test {
 protected:
  std::unique_ptr<SpeakerStream> makeStream(size_t maxRecognizers = 1) {
    pool_ = std::make_unique<RecognizerPool>(test::scriptedFactory(script_, calls_), 0, maxRecognizers);
    return std::make_unique<SpeakerStream>(sfu::AudioTapStream{"room", "prod", "alice"},
                                           UtteranceSegmenter::Options{}, *pool_,
                                           [this] { return language_; });
  }

  // Sends the audio as 20 ms packets arriving 20 ms apart, as a live microphone would.
  std::vector<Update> feed(SpeakerStream& stream, const std::vector<int16_t>& samples48k) {
    std::vector<Update> out;
    for (auto& bytes : source_.packets(samples48k)) {
      auto packet = test::rtpView(bytes);
      now_ += test::kFrameDuration;
      append(out, stream.onPacket(packet.sequenceNumber(), packet.timestamp(), packet.payload(), now_));
    }
    return out;
  }
  std::vector<Update> speak(SpeakerStream& stream, int toneMs, int trailingSilenceMs) {
    auto out = feed(stream, test::silence48k(200));
    append(out, feed(stream, test::tone48k(toneMs)));
    lastVoiced_ = now_;
    append(out, feed(stream, test::silence48k(trailingSilenceMs)));
    return out;
  }

  test::ScriptedRecognizer::Script script_;
  std::shared_ptr<test::RecognizerCalls> calls_ = std::make_shared<test::RecognizerCalls>();
  std::unique_ptr<RecognizerPool> pool_;
  std::string language_ = "en";
  test::RtpOpusSource source_;
  Clock::time_point now_ = Clock::now();
  Clock::time_point lastVoiced_{};  // arrival of the last packet of tone
};

TEST_F(SpeakerStreamTest, EmitsGrowingPartialsThenOneFinalPerUtterance) {
  auto stream = makeStream();
  auto updates = speak(*stream, 1000, 600);

  ASSERT_EQ(updates.size(), 3u);
  EXPECT_FALSE(updates[0].final);
  EXPECT_EQ(updates[0].text, "hello");
  EXPECT_FALSE(updates[1].final);
  EXPECT_EQ(updates[1].text, "hello world");
  EXPECT_TRUE(updates[2].final);
  EXPECT_EQ(updates[2].text, "hello world again");
  for (const auto& u : updates) {
    EXPECT_EQ(u.utteranceId, "prod-1");
    EXPECT_EQ(u.language, "en");
  }
  EXPECT_NEAR(msBetween(lastVoiced_, updates[2].speechEnded), 0, 60);
  EXPECT_EQ(stream->utterances(), 1u);
  EXPECT_EQ(pool_->idleCount("en"), 1u) << "the recognizer goes back to the pool after the final";
}

TEST_F(SpeakerStreamTest, TwoUtterancesGetDistinctIds) {
  auto stream = makeStream();
  auto updates = speak(*stream, 800, 600);
  append(updates, speak(*stream, 800, 600));
  auto finals = finalsOf(updates);
  ASSERT_EQ(finals.size(), 2u);
  EXPECT_EQ(finals[0].utteranceId, "prod-1");
  EXPECT_EQ(finals[1].utteranceId, "prod-2");
  EXPECT_EQ(calls_->started, 2);
}

TEST_F(SpeakerStreamTest, PausedProducerEndsTheUtteranceAtOnce) {
  auto stream = makeStream();
  auto updates = speak(*stream, 800, 0);
  EXPECT_TRUE(finalsOf(updates).empty()) << "still talking: no final before the pause";
  EXPECT_FALSE(updates.empty()) << "partials while talking";

  auto paused = stream->onPaused(now_);
  ASSERT_EQ(paused.size(), 1u);
  EXPECT_TRUE(paused[0].final);
  EXPECT_EQ(paused[0].text, "hello world again");
  EXPECT_EQ(paused[0].utteranceId, "prod-1");
  EXPECT_NEAR(msBetween(lastVoiced_, paused[0].speechEnded), 0, 60);
  EXPECT_EQ(calls_->ended, 1);

  // Nothing more comes out while paused, however long.
  EXPECT_TRUE(stream->onIdle(now_ + 2s).empty());
  now_ += 2s;
  // Resumed: the next words are a new utterance.
  auto resumed = speak(*stream, 800, 600);
  auto finals = finalsOf(resumed);
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].utteranceId, "prod-2");
}

TEST_F(SpeakerStreamTest, DtxGapEndsTheUtteranceAfterTheHangover) {
  auto stream = makeStream();
  auto updates = speak(*stream, 800, 0);
  ASSERT_TRUE(finalsOf(updates).empty());

  // Opus DTX: the browser stops sending. Short gaps are normal jitter, not silence.
  EXPECT_TRUE(stream->onIdle(now_ + 40ms).empty());
  EXPECT_TRUE(finalsOf(stream->onIdle(now_ + 200ms)).empty()) << "200 ms is inside the 400 ms hangover";
  auto ended = stream->onIdle(now_ + 500ms);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_TRUE(ended[0].final);
  EXPECT_EQ(ended[0].text, "hello world again");
  // Latency is measured from when the speaker stopped, not from when the gap was noticed.
  EXPECT_NEAR(msBetween(lastVoiced_, ended[0].speechEnded), 0, 60);
}

TEST_F(SpeakerStreamTest, IdleBeforeTheFirstPacketDoesNothing) {
  auto stream = makeStream();
  EXPECT_TRUE(stream->onIdle(now_ + 10s).empty());
  EXPECT_TRUE(stream->onPaused(now_ + 10s).empty());
  EXPECT_TRUE(stream->onClosed(now_ + 10s).empty());
}

TEST_F(SpeakerStreamTest, UnrecognisableSpeakerLanguageSkipsTheUtterance) {
  language_ = "tlh";
  auto stream = makeStream();
  std::vector<Update> updates;
  ASSERT_NO_THROW(updates = speak(*stream, 800, 600));
  EXPECT_TRUE(updates.empty());
  EXPECT_EQ(stream->utterances(), 1u);
  EXPECT_EQ(stream->skippedUtterances(), 1u);
  EXPECT_EQ(calls_->started, 0);

  // The language is asked again for every utterance, so fixing it mid-call brings captions back.
  language_ = "en";
  auto finals = finalsOf(speak(*stream, 800, 600));
  ASSERT_EQ(finals.size(), 1u);
  EXPECT_EQ(finals[0].utteranceId, "prod-2");
}

TEST_F(SpeakerStreamTest, UnknownSpeakerLanguageSkipsTheUtterance) {
  language_ = "";
  auto stream = makeStream();
  EXPECT_TRUE(speak(*stream, 800, 600).empty());
  EXPECT_EQ(stream->skippedUtterances(), 1u);
}

TEST_F(SpeakerStreamTest, AllRecognizersBusySkipsTheUtterance) {
  auto stream = makeStream(1);
  auto held = pool_->acquire("en");  // another speaker has the only one
  EXPECT_TRUE(speak(*stream, 800, 600).empty());
  EXPECT_EQ(stream->skippedUtterances(), 1u);
}

TEST_F(SpeakerStreamTest, RecognizerFailureSkipsTheUtteranceInsteadOfThrowing) {
  script_.failOnAudio = true;
  auto stream = makeStream();
  std::vector<Update> updates;
  ASSERT_NO_THROW(updates = speak(*stream, 800, 600));
  EXPECT_TRUE(updates.empty());
  EXPECT_EQ(stream->skippedUtterances(), 1u);
  EXPECT_EQ(pool_->totalCount("en"), 1u);
}

TEST_F(SpeakerStreamTest, ClosingMidUtteranceDeliversTheFinal) {
  auto stream = makeStream();
  speak(*stream, 800, 0);
  auto closed = stream->onClosed(now_);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_TRUE(closed[0].final);
}

TEST_F(SpeakerStreamTest, ALostPacketDoesNotSplitTheUtterance) {
  auto stream = makeStream();
  std::vector<int16_t> audio = test::silence48k(200);
  test::append(audio, test::tone48k(1000));
  test::append(audio, test::silence48k(600));
  auto packets = source_.packets(audio);
  packets.erase(packets.begin() + 30);  // mid-tone
  std::vector<Update> updates;
  for (auto& bytes : packets) {
    auto packet = test::rtpView(bytes);
    now_ += test::kFrameDuration;
    append(updates, stream->onPacket(packet.sequenceNumber(), packet.timestamp(), packet.payload(), now_));
  }
  EXPECT_EQ(finalsOf(updates).size(), 1u);
  EXPECT_EQ(calls_->started, 1);
}

}  // namespace
}  // namespace jb::translation
