#include <gtest/gtest.h>

#include "sfu/RtpStreamRewriter.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = RtpStreamRewriter::Clock;

TEST(RtpStreamRewriter, FirstPacketPassesUnchanged) {
  RtpStreamRewriter r(90000);
  auto out = r.rewrite(1000, 5000, Clock::now());
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sequenceNumber, 1000);
  EXPECT_EQ(out->timestamp, 5000u);
}

TEST(RtpStreamRewriter, ContinuesAcrossProducerSwitch) {
  RtpStreamRewriter r(90000);
  auto t0 = Clock::now();
  for (uint16_t i = 0; i < 10; ++i) r.rewrite(100 + i, 9000 + i * 3000, t0 + i * 33ms);
  r.markSourceSwitch();
  // The new source numbers and clocks its packets from somewhere else entirely.
  auto out = r.rewrite(60000, 123456789, t0 + 9 * 33ms + 100ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sequenceNumber, 110);  // last output was 109
  // 100 ms of wall time at 90 kHz after the last output timestamp 9000 + 9*3000 = 36000.
  EXPECT_NEAR(static_cast<double>(out->timestamp), 36000 + 9000, 90);
  auto next = r.rewrite(60001, 123456789 + 3000, t0 + 9 * 33ms + 133ms);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->sequenceNumber, 111);
  EXPECT_EQ(next->timestamp, out->timestamp + 3000);
}

TEST(RtpStreamRewriter, AlignsANewSourcesClockWhenTheDeltaIsKnown) {
  RtpStreamRewriter r(90000);
  auto t0 = Clock::now();
  for (uint16_t i = 0; i < 10; ++i) r.rewrite(100 + i, 9000 + i * 3000, t0 + i * 33ms);
  // The new source's clock runs 5,000,000 ticks behind the old one: its frame 10 is the old one's
  // 9000 + 10 * 3000.
  r.markSourceSwitch(5'000'000u);
  auto out = r.rewrite(500, 9000 + 10 * 3000 - 5'000'000u, t0 + 9 * 33ms + 2ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sequenceNumber, 110);
  EXPECT_EQ(out->timestamp, 9000u + 10 * 3000);
}

TEST(RtpStreamRewriter, IgnoresADeltaThatWouldRepeatOrJumpTheClock) {
  RtpStreamRewriter r(90000);
  auto t0 = Clock::now();
  for (uint16_t i = 0; i < 10; ++i) r.rewrite(100 + i, 9000 + i * 3000, t0 + i * 33ms);
  r.markSourceSwitch(0u);  // claims the new packet is the old frame 9 again
  auto out = r.rewrite(500, 9000 + 9 * 3000, t0 + 9 * 33ms + 100ms);
  ASSERT_TRUE(out);
  EXPECT_NEAR(static_cast<double>(out->timestamp), 36000 + 9000, 90) << "wall-clock continuation instead";
  r.markSourceSwitch(90000u * 30);  // 30 s ahead: a bogus Sender Report
  auto later = r.rewrite(900, 1000, t0 + 9 * 33ms + 133ms);
  ASSERT_TRUE(later);
  EXPECT_NEAR(static_cast<double>(later->timestamp), static_cast<double>(out->timestamp) + 2970, 90);
}

TEST(RtpStreamRewriter, WrapsSequenceNumbersAcrossSwitch) {
  RtpStreamRewriter r(48000);
  auto t0 = Clock::now();
  r.rewrite(65534, 0, t0);
  r.rewrite(65535, 960, t0 + 20ms);
  r.markSourceSwitch();
  auto out = r.rewrite(7, 777, t0 + 40ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sequenceNumber, 0);  // 65535 + 1 wraps
}

TEST(RtpStreamRewriter, DropsPacketsOlderThanSwitchPoint) {
  RtpStreamRewriter r(90000);
  auto t0 = Clock::now();
  r.rewrite(10, 0, t0);
  r.markSourceSwitch();
  ASSERT_TRUE(r.rewrite(500, 1000, t0 + 10ms));
  // A late packet from before the new source's first one would reuse an output number.
  EXPECT_FALSE(r.rewrite(499, 900, t0 + 11ms));
  EXPECT_TRUE(r.rewrite(501, 1100, t0 + 12ms));
}

TEST(RtpStreamRewriter, SequenceGapKeepsSourceClock) {
  RtpStreamRewriter r(90000);
  auto t0 = Clock::now();
  r.rewrite(100, 1000, t0);
  r.rewrite(101, 4000, t0 + 33ms);
  r.markSequenceGap();  // e.g. consumer paused while the producer kept sending
  auto out = r.rewrite(250, 500000, t0 + 5s);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->sequenceNumber, 102);
  EXPECT_EQ(out->timestamp, 500000u);  // same source: its own clock is already right
}

TEST(RtpStreamRewriter, ReorderedPacketsKeepRelativeOrder) {
  RtpStreamRewriter r(90000);
  auto t0 = Clock::now();
  r.rewrite(10, 0, t0);
  r.markSourceSwitch();
  auto a = r.rewrite(1000, 0, t0 + 10ms);
  auto c = r.rewrite(1002, 0, t0 + 11ms);
  auto b = r.rewrite(1001, 0, t0 + 12ms);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->sequenceNumber, 11);
  EXPECT_EQ(b->sequenceNumber, 12);
  EXPECT_EQ(c->sequenceNumber, 13);
}

}  // namespace
}  // namespace jb::sfu
