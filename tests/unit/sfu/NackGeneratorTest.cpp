#include <gtest/gtest.h>

#include "sfu/NackGenerator.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = NackGenerator::Clock;
using Seqs = std::vector<uint16_t>;

NackGenerator::Options options() {
  NackGenerator::Options o;
  o.reorderDelay = 20ms;
  o.retryInterval = 100ms;
  o.maxRetries = 3;
  o.maxAge = 1000ms;
  o.maxMissing = 50;
  return o;
}

TEST(NackGenerator, NacksGapAfterReorderDelay) {
  NackGenerator g(options());
  const auto t0 = Clock::now();
  g.received(10, t0);
  g.received(13, t0);
  EXPECT_EQ(g.missing(), 2u);
  EXPECT_TRUE(g.due(t0 + 10ms).sequenceNumbers.empty()) << "could still be reordering";
  EXPECT_EQ(g.due(t0 + 20ms).sequenceNumbers, (Seqs{11, 12}));
  EXPECT_TRUE(g.due(t0 + 30ms).sequenceNumbers.empty()) << "not again before the retry interval";
}

TEST(NackGenerator, ReorderingWithinWindowDoesNotNack) {
  NackGenerator g(options());
  const auto t0 = Clock::now();
  g.received(10, t0);
  g.received(12, t0);
  g.received(11, t0 + 5ms);  // overtaken, not lost
  EXPECT_EQ(g.missing(), 0u);
  EXPECT_TRUE(g.due(t0 + 50ms).sequenceNumbers.empty());
}

TEST(NackGenerator, RetriesThenGivesUp) {
  NackGenerator g(options());
  const auto t0 = Clock::now();
  g.received(1, t0);
  g.received(3, t0);
  EXPECT_EQ(g.due(t0 + 20ms).sequenceNumbers, (Seqs{2}));
  EXPECT_TRUE(g.due(t0 + 100ms).sequenceNumbers.empty());
  EXPECT_EQ(g.due(t0 + 120ms).sequenceNumbers, (Seqs{2}));
  EXPECT_EQ(g.due(t0 + 220ms).sequenceNumbers, (Seqs{2}));
  auto last = g.due(t0 + 320ms);
  EXPECT_TRUE(last.sequenceNumbers.empty()) << "three tries were allowed";
  EXPECT_EQ(last.gaveUp, 1u);
  EXPECT_EQ(g.missing(), 0u);
}

TEST(NackGenerator, GivesUpOnPacketTooOld) {
  auto o = options();
  o.maxRetries = 100;
  o.retryInterval = 400ms;
  NackGenerator g(o);
  const auto t0 = Clock::now();
  g.received(1, t0);
  g.received(3, t0);
  EXPECT_EQ(g.due(t0 + 20ms).sequenceNumbers, (Seqs{2}));
  EXPECT_EQ(g.due(t0 + 420ms).sequenceNumbers, (Seqs{2}));
  EXPECT_EQ(g.due(t0 + 820ms).sequenceNumbers, (Seqs{2}));
  auto late = g.due(t0 + 1220ms);
  EXPECT_TRUE(late.sequenceNumbers.empty());
  EXPECT_EQ(late.gaveUp, 1u);
}

TEST(NackGenerator, RecoveredPacketStopsRetries) {
  NackGenerator g(options());
  const auto t0 = Clock::now();
  g.received(1, t0);
  g.received(3, t0);
  EXPECT_EQ(g.due(t0 + 20ms).sequenceNumbers, (Seqs{2}));
  EXPECT_TRUE(g.received(2, t0 + 60ms).recovered);
  EXPECT_TRUE(g.due(t0 + 200ms).sequenceNumbers.empty());
  EXPECT_FALSE(g.received(2, t0 + 210ms).recovered) << "a second copy fills nothing";
}

TEST(NackGenerator, TracksGapAcrossWrap) {
  NackGenerator g(options());
  const auto t0 = Clock::now();
  g.received(65533, t0);
  g.received(1, t0);
  EXPECT_EQ(g.due(t0 + 20ms).sequenceNumbers, (Seqs{65534, 65535, 0}));
  EXPECT_TRUE(g.received(65535, t0 + 30ms).recovered);
  EXPECT_TRUE(g.received(0, t0 + 30ms).recovered);
  EXPECT_EQ(g.missing(), 1u);
}

TEST(NackGenerator, TooManyLostAsksForKeyframe) {
  NackGenerator g(options());
  const auto t0 = Clock::now();
  g.received(1, t0);
  auto arrival = g.received(200, t0);
  EXPECT_TRUE(arrival.keyframeNeeded);
  EXPECT_EQ(g.missing(), 0u) << "NACKing 198 packets is worse than one keyframe";
  EXPECT_TRUE(g.due(t0 + 50ms).sequenceNumbers.empty());
}

TEST(NackGenerator, CapsBatchSize) {
  auto o = options();
  o.maxPerBatch = 4;
  NackGenerator g(o);
  const auto t0 = Clock::now();
  g.received(1, t0);
  g.received(8, t0);
  EXPECT_EQ(g.due(t0 + 20ms).sequenceNumbers, (Seqs{2, 3, 4, 5}));
  EXPECT_EQ(g.due(t0 + 21ms).sequenceNumbers, (Seqs{6, 7})) << "the rest go in the next batch";
}

}  // namespace
}  // namespace jb::sfu
