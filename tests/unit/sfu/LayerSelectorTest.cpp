#include <gtest/gtest.h>

#include "sfu/LayerSelector.hpp"

namespace jb::sfu {
namespace {

const std::vector<bool> kAllActive{true, true, true};

TEST(LayerSelector, StartsAimingAtTheHighestLayerAndForwardsNothingBeforeAKeyframe) {
  LayerSelector s(3);
  EXPECT_EQ(s.target(), 2);
  EXPECT_EQ(s.current(), LayerSelector::kNone);
  s.setActive(kAllActive);
  auto d = s.onPacket(2, false);
  EXPECT_FALSE(d.relay);
  EXPECT_TRUE(d.requestKeyframe) << "a delta frame of the target: ask its stream for a keyframe";
  EXPECT_FALSE(s.onPacket(0, true).relay) << "a keyframe of another layer does not start the stream";
  d = s.onPacket(2, true);
  EXPECT_TRUE(d.relay);
  EXPECT_TRUE(d.switched);
  EXPECT_EQ(s.current(), 2);
  EXPECT_TRUE(s.onPacket(2, false).relay);
  EXPECT_FALSE(s.onPacket(1, false).relay);
  EXPECT_FALSE(s.onPacket(1, true).relay) << "keyframes of layers nobody asked for are dropped";
}

TEST(LayerSelector, SwitchesDownOnlyAtAKeyframeOfTheLowerLayerAndKeepsTheOldOneUntilThen) {
  LayerSelector s(3);
  s.setActive(kAllActive);
  ASSERT_TRUE(s.onPacket(2, true).switched);
  EXPECT_TRUE(s.setPreferred(0)) << "target moved off the current layer: the caller asks for a keyframe";
  EXPECT_EQ(s.target(), 0);
  EXPECT_EQ(s.keyframeLayer(), 0);
  EXPECT_TRUE(s.onPacket(2, false).relay) << "the current layer keeps flowing meanwhile";
  auto d = s.onPacket(0, false);
  EXPECT_FALSE(d.relay);
  EXPECT_TRUE(d.requestKeyframe);
  d = s.onPacket(0, true);
  EXPECT_TRUE(d.relay && d.switched);
  EXPECT_EQ(s.current(), 0);
  EXPECT_FALSE(s.onPacket(2, false).relay) << "the old layer stops at the switch";
  EXPECT_EQ(s.keyframeLayer(), 0);
}

TEST(LayerSelector, SwitchesUpAtTheTargetsKeyframe) {
  LayerSelector s(3);
  s.setActive(kAllActive);
  s.setPreferred(0);
  ASSERT_TRUE(s.onPacket(0, true).switched);
  EXPECT_TRUE(s.setPreferred(1));
  EXPECT_FALSE(s.onPacket(1, false).relay);
  EXPECT_TRUE(s.onPacket(0, false).relay);
  EXPECT_TRUE(s.onPacket(1, true).switched);
  EXPECT_EQ(s.current(), 1);
}

TEST(LayerSelector, PreferenceAboveWhatArrivesGetsTheBestActiveLayer) {
  LayerSelector s(3);
  s.setActive({true, true, false});  // the sender stopped its top layer (uplink too thin)
  s.setPreferred(2);
  EXPECT_EQ(s.preferred(), 2);
  EXPECT_EQ(s.target(), 1);
  EXPECT_TRUE(s.onPacket(1, true).switched);
  EXPECT_FALSE(s.setPreferred(7)) << "clamped to the top layer; target unchanged";
  EXPECT_EQ(s.preferred(), 2);
}

TEST(LayerSelector, FallsToTheBestActiveLayerWhenTheCurrentOneStops) {
  LayerSelector s(3);
  s.setActive(kAllActive);
  ASSERT_TRUE(s.onPacket(2, true).switched);
  EXPECT_TRUE(s.setActive({true, true, false}));
  EXPECT_EQ(s.target(), 1);
  EXPECT_TRUE(s.onPacket(1, true).switched);
  // It comes back: up again, at its keyframe.
  EXPECT_TRUE(s.setActive(kAllActive));
  EXPECT_EQ(s.target(), 2);
  EXPECT_TRUE(s.onPacket(2, true).switched);
}

TEST(LayerSelector, TakesTheLowestActiveLayerAboveTheCapRatherThanNothing) {
  LayerSelector s(3);
  s.setPreferred(0);
  s.setActive({false, false, true});
  EXPECT_EQ(s.target(), 2);
  s.setActive({false, true, true});
  EXPECT_EQ(s.target(), 1);
}

TEST(LayerSelector, DownlinkCapLimitsThePreference) {
  LayerSelector s(3);
  s.setActive(kAllActive);
  ASSERT_TRUE(s.onPacket(2, true).switched);
  EXPECT_TRUE(s.setMaxAllowed(0));
  EXPECT_EQ(s.target(), 0);
  EXPECT_FALSE(s.setPreferred(1)) << "still capped at 0";
  EXPECT_TRUE(s.setMaxAllowed(2));
  EXPECT_EQ(s.target(), 1) << "the preference now limits";
}

TEST(LayerSelector, NothingActiveAimsAtTheCap) {
  LayerSelector s(3);
  s.setPreferred(1);
  s.setActive({false, false, false});
  EXPECT_EQ(s.target(), 1);
}

TEST(LayerSelector, ResetWaitsForAKeyframeOfTheSameLayer) {
  LayerSelector s(3);
  s.setActive(kAllActive);
  s.setPreferred(1);
  ASSERT_TRUE(s.onPacket(1, true).switched);
  s.reset();
  EXPECT_EQ(s.keyframeLayer(), 1);
  auto d = s.onPacket(1, false);
  EXPECT_FALSE(d.relay);
  EXPECT_TRUE(d.requestKeyframe);
  EXPECT_TRUE(s.onPacket(1, true).switched);
}

TEST(LayerSelector, TargetReturningToTheCurrentLayerCancelsThePendingSwitch) {
  LayerSelector s(3);
  s.setActive(kAllActive);
  ASSERT_TRUE(s.onPacket(2, true).switched);
  s.setPreferred(0);
  EXPECT_FALSE(s.setPreferred(2)) << "back on the current layer: no keyframe needed";
  EXPECT_FALSE(s.onPacket(0, true).relay);
  EXPECT_TRUE(s.onPacket(2, false).relay);
}

}  // namespace
}  // namespace jb::sfu
