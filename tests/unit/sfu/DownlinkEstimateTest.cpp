#include <gtest/gtest.h>

#include "sfu/BitrateMeter.hpp"
#include "sfu/DownlinkEstimate.hpp"
#include "sfu/LayerAllocator.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = DownlinkEstimate::Clock;

// Sends `bps` for `duration` in 10 ms slices ending at `start + duration`.
Clock::time_point send(DownlinkEstimate& e, uint64_t bps, Clock::time_point start, Clock::duration duration) {
  auto t = start;
  for (; t < start + duration; t += 10ms) e.onPacketSent(bps / 8 / 100, t);
  return t;
}

// Two Receiver Reports a loss window apart, both with `fraction`: judged at `t`.
void loss(DownlinkEstimate& e, double fraction, Clock::time_point t) {
  e.onLoss(fraction, t - 1s);
  e.onLoss(fraction, t);
}

TEST(BitrateMeter, MeasuresTheLastSecond) {
  BitrateMeter m;
  auto t = Clock::now();
  for (int i = 0; i < 100; ++i) m.add(1250, t + i * 10ms);  // 125 kB in 1 s = 1 Mbit/s
  EXPECT_NEAR(static_cast<double>(m.bitsPerSecond(t + 995ms)), 1'000'000, 110'000);
  EXPECT_EQ(m.bitsPerSecond(t + 3s), 0u) << "a silent second forgets it all";
}

TEST(DownlinkEstimate, NoLimitUntilSomethingCongests) {
  DownlinkEstimate e;
  auto t = send(e, 2'000'000, Clock::now(), 2s);
  e.onRemb(3'000'000, t);
  e.onRemb(3'100'000, t + 1s);  // rising: the receiver keeps up
  loss(e, 0.01, t + 1s);
  EXPECT_FALSE(e.available(t + 1s));
  EXPECT_EQ(e.rembCount(), 2u);
}

TEST(DownlinkEstimate, AFallingRembBelowWhatWeSendLimitsAtOnce) {
  DownlinkEstimate e;
  auto t = send(e, 2'000'000, Clock::now(), 2s);
  e.onRemb(2'500'000, t);
  e.onRemb(1'200'000, t + 10ms);
  auto limit = e.available(t + 10ms);
  ASSERT_TRUE(limit);
  EXPECT_EQ(*limit, 1'200'000u);
}

TEST(DownlinkEstimate, AFallingRembAboveWhatWeSendIsNoCongestion) {
  DownlinkEstimate e;
  auto t = send(e, 500'000, Clock::now(), 2s);
  e.onRemb(2'500'000, t);
  e.onRemb(1'200'000, t + 10ms);
  EXPECT_FALSE(e.available(t + 10ms));
}

TEST(DownlinkEstimate, HeavyLossLimitsToTheSendingRateLessHalfTheLoss) {
  DownlinkEstimate e;
  auto t = send(e, 2'000'000, Clock::now(), 2s);
  loss(e, 0.2, t);
  auto limit = e.available(t);
  ASSERT_TRUE(limit);
  EXPECT_NEAR(static_cast<double>(*limit), 2'000'000 * 0.9, 150'000);
}

TEST(DownlinkEstimate, RaisesOnlyAfterTheLimitHeldAndBacksOffWhenARaiseCongests) {
  DownlinkEstimate::Options o;
  o.hold = 4s;
  o.maxHold = 16s;
  DownlinkEstimate e(o);
  auto t = send(e, 2'000'000, Clock::now(), 2s);
  loss(e, 0.5, t);  // -> 1.5 Mbit/s
  const uint64_t first = *e.available(t);
  EXPECT_EQ(*e.available(t + 3900ms), first) << "not before the hold time";
  EXPECT_EQ(*e.available(t + 4s), first * 2) << "held 4 s without congestion: doubled";
  // That raise congests within the hold: the next wait doubles.
  send(e, 2'000'000, t + 4s, 1s);
  loss(e, 0.5, t + 5s);
  EXPECT_LE(*e.available(t + 5s), first);
  EXPECT_EQ(e.currentHold(), 8s);
  EXPECT_EQ(*e.available(t + 12s), *e.available(t + 5s)) << "waits the longer hold";
  const uint64_t raised = *e.available(t + 13s);
  EXPECT_GT(raised, first);
  // This raise holds a whole period: the next one comes after the short hold again.
  e.available(t + 21s);
  EXPECT_EQ(e.currentHold(), 4s);
}

TEST(DownlinkEstimate, LossInTheHoldBandStopsRaises) {
  DownlinkEstimate e;
  auto t = send(e, 2'000'000, Clock::now(), 2s);
  loss(e, 0.5, t);
  const uint64_t limit = *e.available(t);
  loss(e, 0.05, t + 3s);
  EXPECT_EQ(*e.available(t + 5s), limit) << "the 2-10% band restarted the hold";
  EXPECT_GT(*e.available(t + 7s), limit);
}

TEST(DownlinkEstimate, JudgesTheMeanLossOverAWindowNotEachReport) {
  DownlinkEstimate e;
  auto t = send(e, 2'000'000, Clock::now(), 2s);
  // Chrome's reports with NACKs: several a second, one of them reading 20% over a few packets.
  e.onLoss(0.0, t - 900ms);
  e.onLoss(0.2, t - 600ms);
  e.onLoss(0.0, t - 300ms);
  EXPECT_FALSE(e.available(t - 300ms)) << "nothing judged inside the window";
  e.onLoss(0.0, t + 100ms);
  EXPECT_FALSE(e.available(t + 100ms)) << "mean 5%: the hold band, no limit";
  e.onLoss(0.3, t + 200ms);
  e.onLoss(0.3, t + 1200ms);
  EXPECT_TRUE(e.available(t + 1200ms)) << "mean 30%: congestion";
}

TEST(DownlinkEstimate, RaisedPastTheCeilingMeansNoLimit) {
  DownlinkEstimate::Options o;
  o.unlimitedAbove = 2'500'000;
  DownlinkEstimate e(o);
  auto t = send(e, 2'000'000, Clock::now(), 2s);
  loss(e, 0.5, t);
  ASSERT_TRUE(e.available(t));
  EXPECT_FALSE(e.available(t + 5s));
}

LayerDemand demand(int preferred, int current = -1) {
  LayerDemand d;
  d.layers = {{true, 150'000}, {true, 500'000}, {true, 1'500'000}};
  d.preferred = preferred;
  d.current = current;
  return d;
}

TEST(LayerAllocator, NoBudgetGivesEveryoneTheirPreference) {
  EXPECT_EQ(allocateLayers({demand(2), demand(0)}, std::nullopt), (std::vector<int>{2, 0}));
}

TEST(LayerAllocator, GivesTheHighestLayersThatFit) {
  EXPECT_EQ(allocateLayers({demand(2)}, 2'000'000), (std::vector<int>{2}));
  EXPECT_EQ(allocateLayers({demand(2)}, 1'000'000), (std::vector<int>{1}));
  EXPECT_EQ(allocateLayers({demand(2)}, 100'000), (std::vector<int>{0}))
      << "the lowest layer even over budget";
}

TEST(LayerAllocator, SharesRoundRobinAndRespectsPreferences) {
  // 0.15+0.15+0.15 = 0.45, then both raise to 1 (1.15 M), one more raise to 2 does not fit 2 M.
  EXPECT_EQ(allocateLayers({demand(2), demand(2), demand(0)}, 2'000'000), (std::vector<int>{1, 1, 0}));
}

TEST(LayerAllocator, RaisingAboveTheCurrentLayerNeedsAMargin) {
  // Layer 1 needs 500k; with 520k of budget it stays where it is if it is there, but is not raised to.
  EXPECT_EQ(allocateLayers({demand(2, 1)}, 520'000), (std::vector<int>{1}));
  EXPECT_EQ(allocateLayers({demand(2, 0)}, 520'000), (std::vector<int>{0}));
}

TEST(LayerAllocator, SkipsLayersThatDoNotArrive) {
  LayerDemand d = demand(2);
  d.layers[1].active = false;
  EXPECT_EQ(allocateLayers({d}, 2'000'000), (std::vector<int>{2}));
  d.layers[0].active = false;
  EXPECT_EQ(allocateLayers({d}, 100'000), (std::vector<int>{2})) << "the only layer there is";
}

}  // namespace
}  // namespace jb::sfu
