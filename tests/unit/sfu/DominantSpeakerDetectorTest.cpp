#include <gtest/gtest.h>

#include "sfu/DominantSpeakerDetector.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = DominantSpeakerDetector::Clock;
using Change = std::optional<std::optional<std::string>>;

constexpr uint8_t kSilence = 127;  // RFC 6464: -127 dBov
constexpr uint8_t kQuiet = 70;     // background noise, below the speech threshold
constexpr uint8_t kSpeech = 30;    // -30 dBov: normal speech
constexpr uint8_t kLoud = 10;      // -10 dBov: someone much louder

// Feeds 20 ms packets (Opus' usual ptime) for `duration`, every mic with its own level, and runs
// update() every 100 ms like the observer's timer. Returns every change seen, with its time.
struct Room {
  DominantSpeakerDetector detector;
  Clock::time_point now{10s};
  std::vector<std::pair<Clock::duration, std::optional<std::string>>> changes;
  Clock::time_point start{10s};

  void run(Clock::duration duration, const std::map<std::string, uint8_t>& levels) {
    const auto end = now + duration;
    int tick = 0;
    while (now < end) {
      for (const auto& [peer, level] : levels) detector.addLevel(peer + "-mic", peer, level, now);
      if (++tick % 5 == 0)
        if (auto change = detector.update(now)) changes.emplace_back(now - start, *change);
      now += 20ms;
    }
  }
};

TEST(DominantSpeakerDetector, SpeakerTakesOverAfterOneSecondOfSpeech) {
  Room room;
  room.run(900ms, {{"ann", kSpeech}, {"bob", kSilence}});
  EXPECT_TRUE(room.changes.empty()) << "not before a second of speech";
  room.run(800ms, {{"ann", kSpeech}, {"bob", kSilence}});
  ASSERT_EQ(room.changes.size(), 1u);
  EXPECT_EQ(room.changes[0].second, "ann");
  // About 0.2 s for the activity average to rise, then the 1 s takeover.
  EXPECT_GE(room.changes[0].first, 1s);
  EXPECT_LE(room.changes[0].first, 1500ms);
}

TEST(DominantSpeakerDetector, ShortBurstsAndBackgroundNoiseNeverTakeOver) {
  Room room;
  for (int i = 0; i < 10; ++i) {
    room.run(300ms, {{"ann", kSpeech}, {"bob", kQuiet}});  // a cough, a word
    room.run(700ms, {{"ann", kSilence}, {"bob", kQuiet}});
  }
  EXPECT_TRUE(room.changes.empty());
  EXPECT_FALSE(room.detector.dominantPeer());
}

TEST(DominantSpeakerDetector, HolderKeepsItWhileSpeakingAgainstAnEqualVoice) {
  Room room;
  room.run(2s, {{"ann", kSpeech}, {"bob", kSilence}});
  room.run(5s, {{"ann", kSpeech}, {"bob", kSpeech}});
  ASSERT_EQ(room.changes.size(), 1u);
  EXPECT_EQ(room.detector.dominantPeer(), "ann");
}

TEST(DominantSpeakerDetector, ClearlyLouderChallengerTakesOverAfterTwoSeconds) {
  Room room;
  room.run(2s, {{"ann", kSpeech}, {"bob", kSilence}});
  room.run(1500ms, {{"ann", kSpeech}, {"bob", kLoud}});
  EXPECT_EQ(room.detector.dominantPeer(), "ann");
  room.run(1500ms, {{"ann", kSpeech}, {"bob", kLoud}});
  EXPECT_EQ(room.detector.dominantPeer(), "bob");
}

TEST(DominantSpeakerDetector, NextSpeakerTakesOverOnceHolderFallsSilent) {
  Room room;
  room.run(2s, {{"ann", kSpeech}, {"bob", kSilence}});
  room.run(3s, {{"ann", kSilence}, {"bob", kSilence}});
  EXPECT_EQ(room.detector.dominantPeer(), "ann") << "the last speaker stays through silence";
  room.run(2s, {{"ann", kSilence}, {"bob", kSpeech}});
  EXPECT_EQ(room.detector.dominantPeer(), "bob");
  ASSERT_EQ(room.changes.size(), 2u);
}

TEST(DominantSpeakerDetector, RemovedOrSilentMicLosesItAndNobodyHoldsIt) {
  Room room;
  room.run(2s, {{"ann", kSpeech}, {"bob", kSilence}});
  room.detector.remove("ann-mic");  // ann muted (producer paused)
  EXPECT_EQ(room.detector.update(room.now), Change(std::optional<std::string>()));
  room.run(2s, {{"bob", kSilence}});
  EXPECT_FALSE(room.detector.dominantPeer());
}

TEST(DominantSpeakerDetector, StaleMicStopsCounting) {
  Room room;
  room.run(2s, {{"ann", kSpeech}});
  // No more packets from ann (e.g. her browser stopped sending).
  room.now += 600ms;
  EXPECT_EQ(room.detector.update(room.now), Change(std::optional<std::string>()));
}

TEST(DominantSpeakerDetector, ListsWhoIsSpeakingWithSmoothedLevel) {
  Room room;
  room.run(1s, {{"ann", kSpeech}, {"bob", kSilence}, {"cid", kQuiet}});
  auto speaking = room.detector.speaking(room.now);
  ASSERT_EQ(speaking.size(), 1u);
  EXPECT_EQ(speaking[0].peerId, "ann");
  EXPECT_NEAR(speaking[0].dbov, -30, 1);
  room.run(1s, {{"ann", kSilence}, {"bob", kSilence}, {"cid", kQuiet}});
  EXPECT_TRUE(room.detector.speaking(room.now).empty());
}

}  // namespace
}  // namespace jb::sfu
