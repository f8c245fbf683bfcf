#include <gtest/gtest.h>

#include "sfu/TransportFeedbackRecorder.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = TransportFeedbackRecorder::Clock;
using Deltas = std::vector<std::optional<int32_t>>;

// 1000 ms after the clock's epoch = 4000 ticks of 250 µs; the reference time is floor(4000 / 256) =
// 15 (960 ms), so the first delta is 40 ms = 160 ticks.
const Clock::time_point t0{1000ms};

TEST(TransportFeedbackRecorder, ReportsDeltasFromTheReferenceTime) {
  TransportFeedbackRecorder r;
  r.received(10, 0xAA, t0);
  r.received(11, 0xAA, t0 + 1ms);
  r.received(12, 0xBB, t0 + 2500us);
  EXPECT_EQ(r.pending(), 3u);
  auto fbs = r.buildFeedback(1);
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].senderSsrc, 1u);
  EXPECT_EQ(fbs[0].mediaSsrc, 0xBBu);
  EXPECT_EQ(fbs[0].baseSequence, 10);
  EXPECT_EQ(fbs[0].referenceTime, 15);
  EXPECT_EQ(fbs[0].feedbackPacketCount, 0);
  EXPECT_EQ(fbs[0].deltas, (Deltas{160, 4, 6}));
  EXPECT_EQ(r.pending(), 0u);
  EXPECT_TRUE(r.buildFeedback(1).empty());
}

TEST(TransportFeedbackRecorder, ReportsGapsAsNotReceivedAndCountsFeedbackPackets) {
  TransportFeedbackRecorder r;
  r.received(10, 1, t0);
  r.received(13, 1, t0 + 1ms);
  auto first = r.buildFeedback(1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].deltas, (Deltas{160, std::nullopt, std::nullopt, 4}));
  r.received(14, 1, t0 + 2ms);
  auto second = r.buildFeedback(1);
  ASSERT_EQ(second.size(), 1u);
  // Continues after what was reported, with its own reference time.
  EXPECT_EQ(second[0].baseSequence, 14);
  EXPECT_EQ(second[0].feedbackPacketCount, 1);
  EXPECT_EQ(second[0].deltas, (Deltas{168}));
}

TEST(TransportFeedbackRecorder, FollowsSequenceNumbersAcrossWrap) {
  TransportFeedbackRecorder r;
  r.received(65534, 1, t0);
  r.received(65535, 1, t0 + 1ms);
  r.received(1, 1, t0 + 2ms);  // 0 lost
  auto fbs = r.buildFeedback(1);
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].baseSequence, 65534);
  EXPECT_EQ(fbs[0].deltas, (Deltas{160, 4, std::nullopt, 4}));
}

TEST(TransportFeedbackRecorder, ReorderedPacketGetsNegativeDelta) {
  TransportFeedbackRecorder r;
  r.received(10, 1, t0);
  r.received(12, 1, t0 + 1ms);
  r.received(11, 1, t0 + 2ms);
  auto fbs = r.buildFeedback(1);
  ASSERT_EQ(fbs.size(), 1u);
  // 11 arrived 2 ms after 10 (+8 ticks), then 12 is 1 ms *before* 11 (-4 ticks: a large delta).
  EXPECT_EQ(fbs[0].deltas, (Deltas{160, 8, -4}));
}

TEST(TransportFeedbackRecorder, LatePacketAfterReportIsReportedAgainWithItsSuccessors) {
  TransportFeedbackRecorder r;
  r.received(10, 1, t0);
  r.received(12, 1, t0 + 1ms);
  ASSERT_EQ(r.buildFeedback(1).at(0).deltas, (Deltas{160, std::nullopt, 4}));
  r.received(11, 1, t0 + 3ms);
  auto fbs = r.buildFeedback(1);
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].baseSequence, 11);
  // Reference 15 again (t0 + 3 ms = 4012 ticks): 11 at +172 ticks, then 12 back at 4004 (-8).
  EXPECT_EQ(fbs[0].deltas, (Deltas{172, -8}));
}

TEST(TransportFeedbackRecorder, DeltaTooLargeForSixteenBitsStartsNewFeedback) {
  TransportFeedbackRecorder r;
  r.received(10, 1, t0);
  r.received(11, 1, t0 + 10s);  // 40000 ticks > INT16_MAX
  auto fbs = r.buildFeedback(1);
  ASSERT_EQ(fbs.size(), 2u);
  EXPECT_EQ(fbs[0].baseSequence, 10);
  EXPECT_EQ(fbs[0].deltas, (Deltas{160}));
  EXPECT_EQ(fbs[1].baseSequence, 11);
  // 11000 ms = 44000 ticks; floor(44000 / 256) = 171 (43776), delta 224.
  EXPECT_EQ(fbs[1].referenceTime, 171);
  EXPECT_EQ(fbs[1].deltas, (Deltas{224}));
  EXPECT_EQ(fbs[1].feedbackPacketCount, fbs[0].feedbackPacketCount + 1);
}

TEST(TransportFeedbackRecorder, CountsDuplicatesAndPacketsTooOldToReport) {
  TransportFeedbackRecorder r;
  r.received(100, 1, t0);
  r.received(100, 1, t0 + 1ms);
  EXPECT_EQ(r.stats().duplicates, 1u);
  (void)r.buildFeedback(1);
  r.received(101, 1, t0 + 2s);  // the history of 100 is pruned on the next build
  (void)r.buildFeedback(1);
  r.received(99, 1, t0 + 2s);
  EXPECT_EQ(r.stats().tooLate, 1u);
  EXPECT_TRUE(r.buildFeedback(1).empty());
}

TEST(TransportFeedbackRecorder, SplitsLongRunsToKeepPacketsSmall) {
  TransportFeedbackRecorder r;
  for (int i = 0; i < 450; ++i) r.received(static_cast<uint16_t>(i), 1, t0 + i * 1ms);
  auto fbs = r.buildFeedback(1);
  ASSERT_EQ(fbs.size(), 3u);  // 200 + 200 + 50 received packets
  EXPECT_EQ(fbs[1].baseSequence, 200);
  EXPECT_EQ(fbs[2].deltas.size(), 50u);
  for (const auto& fb : fbs) {
    std::vector<uint8_t> wire;
    serialize(fb, wire);
    EXPECT_LT(wire.size(), 1200u);
  }
}

}  // namespace
}  // namespace jb::sfu
