#include <gtest/gtest.h>

#include "RtpTestPackets.hpp"
#include "rtp/RtpPacket.hpp"
#include "sfu/AbsSendTime.hpp"

namespace jb::sfu {
namespace {

constexpr uint8_t kId = 4;
constexpr uint32_t kValue = 0xABCDEF;

// Writes into a copy with room to grow; returns the packet as it is afterwards.
std::vector<uint8_t> written(std::vector<uint8_t> packet) {
  const size_t length = packet.size();
  packet.resize(length + 64);
  packet.resize(writeAbsSendTime(packet.data(), length, packet.size(), kId, kValue));
  return packet;
}

void expectValueAndPayload(std::vector<uint8_t> packet, const std::vector<uint8_t>& payload) {
  auto parsed = rtp::RtpPacket::parse(packet);
  ASSERT_TRUE(parsed);
  auto value = parsed->extension(kId);
  ASSERT_TRUE(value);
  EXPECT_EQ(std::vector<uint8_t>(value->begin(), value->end()), (std::vector<uint8_t>{0xAB, 0xCD, 0xEF}));
  EXPECT_EQ(std::vector<uint8_t>(parsed->payload().begin(), parsed->payload().end()), payload);
}

const std::vector<uint8_t> kPayload{1, 2, 3, 4, 5, 6, 7};

TEST(AbsSendTime, OverwritesTheSendersValue) {
  auto in = test::rtpWithExtensions(96, 1, 1, 1, {{kId, "xyz"}, {11, "a"}}, kPayload);
  auto out = written(in);
  EXPECT_EQ(out.size(), in.size());
  expectValueAndPayload(out, kPayload);
}

TEST(AbsSendTime, AddsABlockToAPacketWithoutExtensions) {
  auto in = test::rtpWithExtensions(96, 1, 1, 1, {}, kPayload);
  auto out = written(in);
  EXPECT_EQ(out.size(), in.size() + 8);
  expectValueAndPayload(out, kPayload);
}

TEST(AbsSendTime, UsesPaddingLeftByStrippedElements) {
  // MID "0" (2 bytes) and rid "r0" (3 bytes), zeroed as Consumer does, plus the block's own padding.
  auto in = test::rtpWithExtensions(96, 1, 1, 1, {{1, "0"}, {2, "r0"}, {11, "a"}}, kPayload);
  std::fill(in.begin() + 16, in.begin() + 21, 0);
  auto out = written(in);
  EXPECT_EQ(out.size(), in.size());
  expectValueAndPayload(out, kPayload);
  EXPECT_TRUE(rtp::RtpPacket::parse(out)->extension(11));
}

TEST(AbsSendTime, GrowsAFullBlockByOneWord) {
  auto in = test::rtpWithExtensions(96, 1, 1, 1, {{5, "ab"}}, kPayload);  // 3 bytes + 1 of padding
  auto out = written(in);
  EXPECT_EQ(out.size(), in.size() + 4);
  expectValueAndPayload(out, kPayload);
  EXPECT_TRUE(rtp::RtpPacket::parse(out)->extension(5));
}

TEST(AbsSendTime, LeavesThePacketAloneWithoutRoom) {
  auto in = test::rtpWithExtensions(96, 1, 1, 1, {}, kPayload);
  std::vector<uint8_t> copy = in;
  EXPECT_EQ(writeAbsSendTime(copy.data(), copy.size(), copy.size(), kId, kValue), in.size());
  EXPECT_EQ(copy, in);
  EXPECT_EQ(writeAbsSendTime(copy.data(), copy.size(), copy.size() + 64, 15, kValue), in.size())
      << "id 15 has no one-byte form";
}

TEST(AbsSendTime, IsSixPointEighteenSeconds) {
  using namespace std::chrono_literals;
  const std::chrono::steady_clock::time_point t{1500ms};
  EXPECT_EQ(absSendTime(t), (1u << 18) + (1u << 17));
  EXPECT_EQ(absSendTime(t + 64s), absSendTime(t)) << "wraps every 64 s";
}

}  // namespace
}  // namespace jb::sfu
