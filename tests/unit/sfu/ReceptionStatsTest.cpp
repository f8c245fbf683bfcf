#include <gtest/gtest.h>

#include "sfu/ReceptionStats.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = ReceptionStats::Clock;

TEST(ReceptionStats, NoReportBeforeTheFirstPacket) {
  ReceptionStats stats(90000);
  EXPECT_FALSE(stats.makeReportBlock(7, Clock::now()));
}

TEST(ReceptionStats, CountsLossPerIntervalAndCumulatively) {
  ReceptionStats stats(90000);
  auto t = Clock::now();
  // 100 expected (seq 1000..1099), 10 of them missing.
  for (uint16_t seq = 1000; seq < 1100; ++seq)
    if (seq % 10 != 5) stats.packetReceived(seq, seq * 3000u, t += 33ms);
  auto first = stats.makeReportBlock(42, t);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->ssrc, 42u);
  EXPECT_EQ(first->highestSeq, 1099u);
  EXPECT_EQ(first->cumulativeLost, 10);
  EXPECT_EQ(first->fractionLost, (10 << 8) / 100);
  // Next interval: no loss, so the fraction drops to 0 while the cumulative count stays.
  for (uint16_t seq = 1100; seq < 1150; ++seq) stats.packetReceived(seq, seq * 3000u, t += 33ms);
  auto second = stats.makeReportBlock(42, t);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->fractionLost, 0);
  EXPECT_EQ(second->cumulativeLost, 10);
}

TEST(ReceptionStats, ExtendsSequenceNumbersAcrossWrap) {
  ReceptionStats stats(48000);
  auto t = Clock::now();
  for (uint32_t i = 0; i < 20; ++i)
    stats.packetReceived(static_cast<uint16_t>(65530 + i), i * 960, t += 20ms);
  auto block = stats.makeReportBlock(1, t);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->highestSeq, (1u << 16) + 13u);  // one wrap, then seq 13
  EXPECT_EQ(block->cumulativeLost, 0);
}

TEST(ReceptionStats, JitterStaysNearZeroForPerfectPacing) {
  ReceptionStats stats(90000);
  auto t = Clock::now();
  for (uint16_t seq = 0; seq < 200; ++seq) stats.packetReceived(seq, seq * 3000u, t += 33333us);
  auto block = stats.makeReportBlock(1, t);
  ASSERT_TRUE(block);
  EXPECT_LE(block->jitter, 2u);
}

TEST(ReceptionStats, EchoesLastSenderReportWithDelay) {
  ReceptionStats stats(90000);
  auto t = Clock::now();
  stats.packetReceived(1, 0, t);
  stats.senderReportReceived(0x12345678, 0x9ABCDEF0, t);
  auto block = stats.makeReportBlock(1, t + 500ms);
  ASSERT_TRUE(block);
  EXPECT_EQ(block->lastSr, 0x56789ABCu);             // middle 32 bits of the NTP timestamp
  EXPECT_NEAR(block->delaySinceLastSr, 32768u, 2u);  // 0.5 s in 1/65536 s
}

}  // namespace
}  // namespace jb::sfu
