#include <gtest/gtest.h>

#include <vector>

#include "rtp/rtcp/Nack.hpp"

namespace jb::rtp::rtcp {
namespace {

// The FCI entries (PID, BLP) after the 12-byte header + SSRCs.
std::vector<std::pair<uint16_t, uint16_t>> fciOf(const Nack& nack) {
  std::vector<uint8_t> wire;
  serialize(nack, wire);
  std::vector<std::pair<uint16_t, uint16_t>> fci;
  for (size_t at = 12; at + 4 <= wire.size(); at += 4) {
    fci.emplace_back(static_cast<uint16_t>(wire[at] << 8 | wire[at + 1]),
                     static_cast<uint16_t>(wire[at + 2] << 8 | wire[at + 3]));
  }
  return fci;
}

using Fci = std::vector<std::pair<uint16_t, uint16_t>>;

TEST(Nack, PacksSingleLossIntoPidWithEmptyBlp) {
  EXPECT_EQ(fciOf({.lostSequenceNumbers = {1000}}), (Fci{{1000, 0}}));
}

TEST(Nack, PacksFollowingSixteenIntoBlp) {
  EXPECT_EQ(fciOf({.lostSequenceNumbers = {1000, 1001, 1003, 1016}}), (Fci{{1000, 0x8005}}));
}

TEST(Nack, StartsNewPairBeyondSixteen) {
  EXPECT_EQ(fciOf({.lostSequenceNumbers = {1000, 1017, 1018}}), (Fci{{1000, 0}, {1017, 0x0001}}));
}

TEST(Nack, PacksAcrossSequenceWrap) {
  EXPECT_EQ(fciOf({.lostSequenceNumbers = {65534, 65535, 0, 1}}), (Fci{{65534, 0x0007}}));
}

TEST(Nack, DropsDuplicatesWithinPair) {
  EXPECT_EQ(fciOf({.lostSequenceNumbers = {10, 10, 11}}), (Fci{{10, 0x0001}}));
}

TEST(Nack, WritesHeaderWithFmt1AndLength) {
  std::vector<uint8_t> wire;
  serialize(Nack{.senderSsrc = 1, .mediaSsrc = 2, .lostSequenceNumbers = {5, 40}}, wire);
  ASSERT_EQ(wire.size(), 20u);
  EXPECT_EQ(wire[0], 0x81);
  EXPECT_EQ(wire[1], 205);
  EXPECT_EQ(wire[3], 4);  // 5 words - 1
}

TEST(Nack, ExpandsPidAndBlpWhenParsing) {
  const std::vector<uint8_t> body{0, 0, 0, 1, 0, 0, 0, 2, 0x03, 0xe8, 0x80, 0x05};
  const auto nack = parseNack(body);
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->lostSequenceNumbers, (std::vector<uint16_t>{1000, 1001, 1003, 1016}));
}

TEST(Nack, RejectsPartialFci) {
  const std::vector<uint8_t> body{0, 0, 0, 1, 0, 0, 0, 2, 0x03, 0xe8};
  EXPECT_FALSE(parseNack(body));
}

}  // namespace
}  // namespace jb::rtp::rtcp
