#include <gtest/gtest.h>

#include "RtpTestPackets.hpp"
#include "sfu/RetransmissionBuffer.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using Clock = RetransmissionBuffer::Clock;

// Inserts a packet with this sequence number; the buffer copies it, so the bytes may go away.
bool insert(RetransmissionBuffer& buffer, uint16_t seq, Clock::time_point at) {
  auto bytes = test::rtpBytes(96, seq, seq * 3000u, 1111);
  auto packet = rtp::RtpPacket::parse(bytes);
  return packet && buffer.insert(*packet, at);
}

TEST(RetransmissionBuffer, ReturnsStoredCopyOfPacket) {
  RetransmissionBuffer buffer(16, 1s);
  const auto t0 = Clock::now();
  ASSERT_TRUE(insert(buffer, 500, t0));
  auto found = buffer.find(500, t0 + 10ms);
  ASSERT_TRUE(found);
  EXPECT_EQ(std::vector<uint8_t>(found->bytes.begin(), found->bytes.end()),
            test::rtpBytes(96, 500, 1500000, 1111));
  EXPECT_FALSE(buffer.find(501, t0));
  EXPECT_FALSE(buffer.find(499, t0));
}

TEST(RetransmissionBuffer, EvictsOldestBeyondCapacity) {
  RetransmissionBuffer buffer(16, 10s);
  const auto t0 = Clock::now();
  for (uint16_t s = 0; s < 20; ++s) ASSERT_TRUE(insert(buffer, s, t0));
  EXPECT_EQ(buffer.size(), 16u);
  for (uint16_t s = 0; s < 4; ++s) EXPECT_FALSE(buffer.find(s, t0)) << s;
  for (uint16_t s = 4; s < 20; ++s) EXPECT_TRUE(buffer.find(s, t0)) << s;
}

TEST(RetransmissionBuffer, HoldsMemoryForMaxAgeOfPacketsNotForTheWholeRing) {
  // A 500-kbps stream: ~53 packets/s. After far more packets than the ring has slots, only the last
  // second's packets may hold memory, not one packet per slot.
  RetransmissionBuffer buffer(1024, 1s);
  auto at = Clock::now();
  const size_t packetBytes = test::rtpBytes(96, 0, 0, 1111).size();
  for (uint16_t s = 0; s < 3000; ++s, at += 19ms) ASSERT_TRUE(insert(buffer, s, at));
  EXPECT_LE(buffer.size(), 54u);
  EXPECT_LE(buffer.heldBytes(), (54 + 64) * packetBytes) << "the packets of the last second, and the spares";
  EXPECT_TRUE(buffer.find(2999, at));
}

TEST(RetransmissionBuffer, DropsRetransmissionOlderThanBufferWindow) {
  RetransmissionBuffer buffer(1024, 1000ms);
  const auto t0 = Clock::now();
  ASSERT_TRUE(insert(buffer, 10, t0));
  ASSERT_TRUE(insert(buffer, 11, t0 + 600ms));
  EXPECT_FALSE(buffer.find(10, t0 + 1001ms)) << "older than maxAge";
  EXPECT_TRUE(buffer.find(11, t0 + 1001ms));
  // Inserting evicts by age too, so the memory of old packets does not count as held.
  ASSERT_TRUE(insert(buffer, 12, t0 + 1500ms));
  EXPECT_EQ(buffer.size(), 2u);
}

TEST(RetransmissionBuffer, StoresReorderedPacketAndRefusesDuplicate) {
  RetransmissionBuffer buffer(16, 1s);
  const auto t0 = Clock::now();
  ASSERT_TRUE(insert(buffer, 100, t0));
  ASSERT_TRUE(insert(buffer, 103, t0));
  EXPECT_FALSE(buffer.find(101, t0)) << "a gap is not a packet";
  EXPECT_TRUE(insert(buffer, 101, t0)) << "late packets fill gaps";
  EXPECT_TRUE(buffer.find(101, t0));
  EXPECT_FALSE(insert(buffer, 101, t0)) << "duplicate";
  EXPECT_TRUE(insert(buffer, 95, t0)) << "older than the oldest but inside the window";
  EXPECT_FALSE(insert(buffer, 80, t0)) << "more than capacity behind the newest";
}

TEST(RetransmissionBuffer, WrapsAroundSequence65535) {
  RetransmissionBuffer buffer(16, 1s);
  const auto t0 = Clock::now();
  for (uint16_t s : {65533, 65534, 65535, 0, 1}) ASSERT_TRUE(insert(buffer, s, t0));
  for (uint16_t s : {65533, 65534, 65535, 0, 1}) EXPECT_TRUE(buffer.find(s, t0)) << s;
  EXPECT_FALSE(buffer.find(2, t0));
}

TEST(RetransmissionBuffer, JumpPastWindowStartsAfresh) {
  RetransmissionBuffer buffer(16, 1s);
  const auto t0 = Clock::now();
  for (uint16_t s = 0; s < 5; ++s) insert(buffer, s, t0);
  ASSERT_TRUE(insert(buffer, 30000, t0));
  EXPECT_EQ(buffer.size(), 1u);
  EXPECT_FALSE(buffer.find(4, t0));
  EXPECT_TRUE(buffer.find(30000, t0));
}

TEST(RetransmissionBuffer, RefusesOversizedPacket) {
  RetransmissionBuffer buffer(16, 1s);
  auto bytes = test::rtpBytes(96, 1, 0, 1, RetransmissionBuffer::kMaxPacketSize);
  auto packet = rtp::RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  EXPECT_FALSE(buffer.insert(*packet, Clock::now()));
}

}  // namespace
}  // namespace jb::sfu
