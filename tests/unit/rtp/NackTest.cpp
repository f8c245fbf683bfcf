#include <gtest/gtest.h>

#include <vector>

#include "rtp/rtcp/CompoundPacket.hpp"
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

namespace jb::rtp::rtcp {
namespace {

// RFC 4585 §6.2.1, computed by hand: sender 0x01020304, media 0x0a0b0c0d, lost 100, 101, 116 (BLP
// bits 0 and 15) and 65535 (wraps: PID 65535, BLP bit 0 would be 0; 100 is far from it).
const std::vector<uint8_t> kNackBytes{
    0x81, 0xcd, 0x00, 0x04,  // V=2 FMT=1, PT=205 (RTPFB), length 4 words after the first
    0x01, 0x02, 0x03, 0x04,  // sender SSRC
    0x0a, 0x0b, 0x0c, 0x0d,  // media SSRC
    0x00, 0x64, 0x80, 0x01,  // PID 100, BLP: 101 (bit 0) and 116 (bit 15)
    0xff, 0xff, 0x00, 0x00,  // PID 65535, BLP 0
};

TEST(NackWire, SerializesToHandComputedBytes) {
  std::vector<uint8_t> wire;
  serialize(
      Nack{.senderSsrc = 0x01020304, .mediaSsrc = 0x0a0b0c0d, .lostSequenceNumbers = {100, 101, 116, 65535}},
      wire);
  EXPECT_EQ(wire, kNackBytes);
}

TEST(NackWire, ParsesHandComputedBytesInCompound) {
  const auto packets = parseCompound(kNackBytes);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 1u);
  const auto& nack = std::get<Nack>((*packets)[0]);
  EXPECT_EQ(nack.senderSsrc, 0x01020304u);
  EXPECT_EQ(nack.mediaSsrc, 0x0a0b0c0du);
  EXPECT_EQ(nack.lostSequenceNumbers, (std::vector<uint16_t>{100, 101, 116, 65535}));
}

TEST(NackWire, BlpWrapsPastSequence65535) {
  const std::vector<uint8_t> body{0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xfe, 0x00, 0x03};
  const auto nack = parseNack(body);
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->lostSequenceNumbers, (std::vector<uint16_t>{65534, 65535, 0}));
}

TEST(NackWire, RejectsLengthThatLies) {
  auto longer = kNackBytes;
  longer[3] = 0x05;  // claims one more word than the datagram holds
  EXPECT_FALSE(parseCompound(longer));
  auto shorter = kNackBytes;
  shorter[3] = 0x01;  // 8 bytes: the packet ends inside the media SSRC, and the rest is not RTCP
  EXPECT_FALSE(parseCompound(shorter));
  auto noFci = kNackBytes;
  noFci[3] = 0x02;  // header + SSRCs only; then the FCI bytes would be read as a next packet
  EXPECT_FALSE(parseCompound(noFci));
  auto truncated = kNackBytes;
  truncated.resize(18);
  EXPECT_FALSE(parseCompound(truncated));
}

TEST(NackWire, AcceptsNackWithoutFciAsEmpty) {
  const std::vector<uint8_t> bytes{0x81, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  const auto packets = parseCompound(bytes);
  ASSERT_TRUE(packets);
  EXPECT_TRUE(std::get<Nack>((*packets)[0]).lostSequenceNumbers.empty());
}

}  // namespace
}  // namespace jb::rtp::rtcp
