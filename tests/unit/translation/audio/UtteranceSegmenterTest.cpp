#include <gtest/gtest.h>

#include "Signals.hpp"
#include "translation/audio/UtteranceSegmenter.hpp"

namespace jb::translation {
namespace {

using namespace std::chrono_literals;
using test::append;

constexpr int kRate = 16000;
constexpr uint64_t kPerMs = kRate / 1000;

// A room: white noise around -65 dBFS.
std::vector<int16_t> room(int ms, unsigned seed = 1) {
  return test::noise(kRate, ms, 30, seed);
}
// A voice: a tone at -20 dBFS over the room.
std::vector<int16_t> voice(int ms, double dbfs = -20) {
  auto out = test::sine(220, kRate, ms, test::sineAmplitudeFor(dbfs));
  auto bed = room(ms, 7);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<int16_t>(out[i] + bed[i]);
  return out;
}

struct Utterance {
  uint64_t start = 0;
  std::vector<int16_t> samples;
  bool ended = false;
  EndReason reason = EndReason::Silence;
  uint64_t speechEnd = 0;
};

// Folds events into utterances, checking their order and that Audio is contiguous.
class Collector {
 public:
  void add(const std::vector<SegmentEvent>& events) {
    for (const auto& e : events) {
      switch (e.type) {
        case SegmentEvent::Started:
          ASSERT_TRUE(utterances.empty() || utterances.back().ended) << "Started inside an utterance";
          utterances.push_back(Utterance{e.startSample, {}, false, EndReason::Silence, 0});
          break;
        case SegmentEvent::Audio:
          ASSERT_FALSE(utterances.empty() || utterances.back().ended) << "Audio outside an utterance";
          ASSERT_EQ(e.startSample, utterances.back().start + utterances.back().samples.size());
          append(utterances.back().samples, e.samples);
          break;
        case SegmentEvent::Ended:
          ASSERT_FALSE(utterances.empty() || utterances.back().ended) << "Ended outside an utterance";
          ASSERT_EQ(e.startSample, utterances.back().start);
          utterances.back().ended = true;
          utterances.back().reason = e.reason;
          utterances.back().speechEnd = e.speechEndSample;
          break;
      }
    }
  }
  std::vector<Utterance> utterances;
};

Collector run(UtteranceSegmenter& segmenter, const std::vector<int16_t>& audio) {
  Collector c;
  c.add(segmenter.push(audio));
  return c;
}

TEST(UtteranceSegmenter, CutsAToneBurstOutOfRoomNoise) {
  UtteranceSegmenter segmenter;
  std::vector<int16_t> audio = room(1000);
  append(audio, voice(1000));
  append(audio, room(1500, 2));
  auto c = run(segmenter, audio);
  ASSERT_EQ(c.utterances.size(), 1u);
  const auto& u = c.utterances[0];
  ASSERT_TRUE(u.ended);
  EXPECT_EQ(u.reason, EndReason::Silence);
  // Starts 200 ms of pre-roll before the voice; speech ends with the voice; the hangover follows.
  EXPECT_EQ(u.start, 800 * kPerMs);
  EXPECT_EQ(u.speechEnd, 2000 * kPerMs);
  ASSERT_EQ(u.samples.size(), (2000 + 400 - 800) * kPerMs);
  EXPECT_TRUE(std::equal(u.samples.begin(), u.samples.end(), audio.begin() + 800 * kPerMs));
  EXPECT_FALSE(segmenter.inUtterance());
}

TEST(UtteranceSegmenter, KeepsOneUtteranceAcrossPauseShorterThanHangover) {
  UtteranceSegmenter segmenter;
  std::vector<int16_t> audio = room(500);
  append(audio, voice(600));
  append(audio, room(300, 3));
  append(audio, voice(600));
  append(audio, room(1000, 4));
  auto c = run(segmenter, audio);
  ASSERT_EQ(c.utterances.size(), 1u);
  EXPECT_EQ(c.utterances[0].speechEnd, 2000 * kPerMs);
}

TEST(UtteranceSegmenter, SplitsAtPauseLongerThanHangover) {
  UtteranceSegmenter segmenter;
  std::vector<int16_t> audio = room(500);
  append(audio, voice(600));
  append(audio, room(800, 3));
  append(audio, voice(600));
  append(audio, room(1000, 4));
  auto c = run(segmenter, audio);
  ASSERT_EQ(c.utterances.size(), 2u);
  EXPECT_EQ(c.utterances[0].speechEnd, 1100 * kPerMs);
  // The second pre-roll starts after the first utterance's hangover tail: no audio is sent twice.
  EXPECT_EQ(c.utterances[1].start, 1700 * kPerMs);
  EXPECT_EQ(c.utterances[1].speechEnd, 2500 * kPerMs);
}

TEST(UtteranceSegmenter, HangoverIsConfigurable) {
  UtteranceSegmenter::Options options;
  options.hangover = 1000ms;
  UtteranceSegmenter segmenter(options);
  std::vector<int16_t> audio = room(500);
  append(audio, voice(600));
  append(audio, room(800, 3));
  append(audio, voice(600));
  append(audio, room(1500, 4));
  EXPECT_EQ(run(segmenter, audio).utterances.size(), 1u);
}

TEST(UtteranceSegmenter, DtxGapCountsTowardTheHangover) {
  UtteranceSegmenter segmenter;
  Collector c;
  c.add(segmenter.push(room(500)));
  c.add(segmenter.push(voice(500)));
  ASSERT_TRUE(segmenter.inUtterance());
  c.add(segmenter.silence(300ms));
  EXPECT_TRUE(segmenter.inUtterance());
  c.add(segmenter.silence(300ms));
  EXPECT_FALSE(segmenter.inUtterance());
  ASSERT_EQ(c.utterances.size(), 1u);
  EXPECT_TRUE(c.utterances[0].ended);
  EXPECT_EQ(c.utterances[0].reason, EndReason::Silence);
  EXPECT_EQ(c.utterances[0].speechEnd, 1000 * kPerMs);
  // The gap is part of the stream clock, and of the utterance up to the end of the hangover.
  EXPECT_EQ(segmenter.streamPosition(), 1600 * kPerMs);
  EXPECT_EQ(c.utterances[0].start + c.utterances[0].samples.size(), 1400 * kPerMs);
}

TEST(UtteranceSegmenter, PauseEndsTheUtteranceAtOnce) {
  UtteranceSegmenter segmenter;
  Collector c;
  c.add(segmenter.push(room(500)));
  c.add(segmenter.push(voice(505)));  // leaves a partial frame buffered
  c.add(segmenter.end(EndReason::Paused));
  ASSERT_EQ(c.utterances.size(), 1u);
  EXPECT_TRUE(c.utterances[0].ended);
  EXPECT_EQ(c.utterances[0].reason, EndReason::Paused);
  EXPECT_EQ(c.utterances[0].start + c.utterances[0].samples.size(), 1005 * kPerMs);
  EXPECT_TRUE(segmenter.end(EndReason::Closed).empty());
}

TEST(UtteranceSegmenter, MaxLengthCutsAndContinuesWhileSpeechGoesOn) {
  UtteranceSegmenter::Options options;
  options.maxUtterance = 1500ms;
  UtteranceSegmenter segmenter(options);
  std::vector<int16_t> audio = room(500);
  append(audio, voice(3800));  // 300..1800, 1800..3300, then 3300 to the end of the hangover
  append(audio, room(1000, 5));
  auto c = run(segmenter, audio);
  ASSERT_EQ(c.utterances.size(), 3u);
  EXPECT_EQ(c.utterances[0].reason, EndReason::MaxLength);
  EXPECT_EQ(c.utterances[0].samples.size(), 1500 * kPerMs);
  EXPECT_EQ(c.utterances[1].reason, EndReason::MaxLength);
  EXPECT_EQ(c.utterances[2].reason, EndReason::Silence);
  EXPECT_EQ(c.utterances[2].speechEnd, 4300 * kPerMs);
  // Back to back, without overlap or gap.
  for (size_t i = 1; i < c.utterances.size(); ++i) {
    EXPECT_EQ(c.utterances[i].start, c.utterances[i - 1].start + c.utterances[i - 1].samples.size());
  }
}

TEST(UtteranceSegmenter, SteadyHumLongerThanNoiseWindowBecomesTheFloor) {
  UtteranceSegmenter segmenter;  // 5 s noise window
  std::vector<int16_t> audio = room(500);
  append(audio, voice(8000));
  auto c = run(segmenter, audio);
  ASSERT_EQ(c.utterances.size(), 1u);
  EXPECT_TRUE(c.utterances[0].ended);
  // Voiced until the last room-noise frame left the window, 5 s after the hum began (give or take a frame).
  EXPECT_NEAR(double(c.utterances[0].speechEnd), 5500.0 * kPerMs, 20.0 * kPerMs);
  EXPECT_FALSE(segmenter.inUtterance());
}

TEST(UtteranceSegmenter, HearsAQuietSpeakerOverALowNoiseFloor) {
  UtteranceSegmenter segmenter;
  std::vector<int16_t> audio = test::noise(kRate, 1000, 3);  // about -85 dBFS
  auto quiet = test::sine(220, kRate, 800, test::sineAmplitudeFor(-40));
  append(audio, quiet);
  append(audio, test::noise(kRate, 1000, 3, 9));
  auto c = run(segmenter, audio);
  ASSERT_EQ(c.utterances.size(), 1u);
  EXPECT_EQ(c.utterances[0].speechEnd, 1800 * kPerMs);
  EXPECT_LT(segmenter.noiseFloorDbfs(), -80);
}

TEST(UtteranceSegmenter, HearsALoudSpeakerOverLoudNoiseButNotTheNoise) {
  UtteranceSegmenter segmenter;
  std::vector<int16_t> audio = test::noise(kRate, 2000, 1500);  // about -33 dBFS, above minSpeechDbfs
  auto loud = test::sine(220, kRate, 800, test::sineAmplitudeFor(-10));
  auto bed = test::noise(kRate, 800, 1500, 5);
  for (size_t i = 0; i < loud.size(); ++i) loud[i] = static_cast<int16_t>(loud[i] + bed[i]);
  append(audio, loud);
  append(audio, test::noise(kRate, 1500, 1500, 9));
  auto c = run(segmenter, audio);
  ASSERT_EQ(c.utterances.size(), 1u);
  EXPECT_EQ(c.utterances[0].speechEnd, 2800 * kPerMs);
}

TEST(UtteranceSegmenter, SilenceAloneNeverStarts) {
  for (int amplitude : {0, 3, 30, 300, 3000}) {
    UtteranceSegmenter segmenter;
    Collector c;
    c.add(segmenter.push(test::noise(kRate, 10000, amplitude, static_cast<unsigned>(amplitude))));
    c.add(segmenter.silence(5s));
    c.add(segmenter.push(test::noise(kRate, 2000, amplitude, 11)));
    EXPECT_TRUE(c.utterances.empty()) << "noise amplitude " << amplitude;
  }
}

TEST(UtteranceSegmenter, IgnoresClicksShorterThanMinSpeech) {
  UtteranceSegmenter segmenter;
  std::vector<int16_t> audio = room(1000);
  append(audio, voice(60));
  append(audio, room(1000, 2));
  EXPECT_TRUE(run(segmenter, audio).utterances.empty());
}

TEST(UtteranceSegmenter, ChunkSizeDoesNotChangeTheResult) {
  std::vector<int16_t> audio = room(700);
  append(audio, voice(900));
  append(audio, room(300, 2));
  append(audio, voice(400));
  append(audio, room(900, 3));
  UtteranceSegmenter whole;
  auto expected = run(whole, audio);
  ASSERT_EQ(expected.utterances.size(), 1u);

  UtteranceSegmenter chunked;
  Collector c;
  std::span<const int16_t> rest(audio);
  for (size_t step = 1; !rest.empty(); step = step * 13 % 997 + 1) {
    size_t n = std::min(step, rest.size());
    c.add(chunked.push(rest.first(n)));
    rest = rest.subspan(n);
  }
  ASSERT_EQ(c.utterances.size(), 1u);
  EXPECT_EQ(c.utterances[0].start, expected.utterances[0].start);
  EXPECT_EQ(c.utterances[0].speechEnd, expected.utterances[0].speechEnd);
  EXPECT_EQ(c.utterances[0].samples, expected.utterances[0].samples);
}

}  // namespace
}  // namespace jb::translation
