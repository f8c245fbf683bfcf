#include <gtest/gtest.h>

#include "translation/audio/ReorderBuffer.hpp"

namespace jb::translation {
namespace {

std::vector<uint8_t> payloadFor(uint16_t seq) {
  return {static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq)};
}

void push(ReorderBuffer& buffer, uint16_t seq, uint32_t baseTimestamp = 0) {
  buffer.push(seq, baseTimestamp + seq * 960u, payloadFor(seq));
}

// Every frame that can come out now, as "seq" or "lost seq".
std::vector<std::string> popAll(ReorderBuffer& buffer) {
  std::vector<std::string> out;
  while (auto frame = buffer.pop()) {
    out.push_back((frame->lost ? "lost " : "") + std::to_string(frame->seq));
    if (!frame->lost) {
      EXPECT_EQ(frame->payload, payloadFor(frame->seq));
    }
  }
  return out;
}

using Seqs = std::vector<std::string>;

TEST(ReorderBuffer, PassesInOrderPacketsStraightThrough) {
  ReorderBuffer buffer;
  for (uint16_t seq = 100; seq < 110; ++seq) {
    push(buffer, seq);
    EXPECT_EQ(popAll(buffer), Seqs{std::to_string(seq)});
  }
  EXPECT_EQ(buffer.lost(), 0u);
}

TEST(ReorderBuffer, PutsSwappedPacketsBackInOrder) {
  ReorderBuffer buffer;
  push(buffer, 1);
  EXPECT_EQ(popAll(buffer), Seqs{"1"});
  push(buffer, 3);
  EXPECT_EQ(popAll(buffer), Seqs{});
  push(buffer, 2);
  EXPECT_EQ(popAll(buffer), (Seqs{"2", "3"}));
  EXPECT_EQ(buffer.lost(), 0u);
  EXPECT_EQ(buffer.late(), 0u);
}

TEST(ReorderBuffer, GivesUpOnMissingPacketOnceDepthIsExceeded) {
  ReorderBuffer buffer(3);
  push(buffer, 1);
  popAll(buffer);
  for (uint16_t seq : {3, 4, 5}) {
    push(buffer, seq);
    EXPECT_EQ(popAll(buffer), Seqs{});
  }
  push(buffer, 6);
  ReorderBuffer copy = buffer;
  auto lost = copy.pop();
  ASSERT_TRUE(lost);
  EXPECT_TRUE(lost->lost);
  EXPECT_EQ(lost->rtpTimestamp, 2 * 960u);  // between its neighbours
  EXPECT_TRUE(lost->payload.empty());
  EXPECT_EQ(popAll(buffer), (Seqs{"lost 2", "3", "4", "5", "6"}));
  EXPECT_EQ(buffer.lost(), 1u);
  // The lost packet turning up afterwards is too late.
  push(buffer, 2);
  EXPECT_EQ(popAll(buffer), Seqs{});
  EXPECT_EQ(buffer.late(), 1u);
}

TEST(ReorderBuffer, FollowsSequenceWraparound) {
  ReorderBuffer buffer;
  push(buffer, 65533);
  push(buffer, 65534);
  EXPECT_EQ(popAll(buffer), (Seqs{"65533", "65534"}));
  push(buffer, 0);
  push(buffer, 65535);
  push(buffer, 2);
  push(buffer, 1);
  EXPECT_EQ(popAll(buffer), (Seqs{"65535", "0", "1", "2"}));
  EXPECT_EQ(buffer.late(), 0u);
  EXPECT_EQ(buffer.lost(), 0u);
}

TEST(ReorderBuffer, DropsAndCountsDuplicates) {
  ReorderBuffer buffer;
  push(buffer, 10);
  push(buffer, 12);
  push(buffer, 12);  // duplicate while held
  EXPECT_EQ(popAll(buffer), Seqs{"10"});
  push(buffer, 10);  // duplicate of one already handed out
  push(buffer, 11);
  EXPECT_EQ(popAll(buffer), (Seqs{"11", "12"}));
  EXPECT_EQ(buffer.duplicates(), 2u);
  EXPECT_EQ(buffer.late(), 0u);
}

TEST(ReorderBuffer, FlushDrainsHeldPacketsWithLostGaps) {
  ReorderBuffer buffer;
  push(buffer, 1);
  popAll(buffer);
  push(buffer, 4);
  push(buffer, 3);
  std::vector<std::string> drained;
  for (const auto& frame : buffer.flush())
    drained.push_back((frame.lost ? "lost " : "") + std::to_string(frame.seq));
  EXPECT_EQ(drained, (Seqs{"lost 2", "3", "4"}));
  EXPECT_EQ(buffer.held(), 0u);
}

TEST(ReorderBuffer, SkipsLongOutagesInsteadOfConcealingThem) {
  ReorderBuffer buffer(3, 25);
  push(buffer, 1);
  popAll(buffer);
  for (uint16_t seq = 1001; seq <= 1004; ++seq) push(buffer, seq);
  EXPECT_EQ(popAll(buffer), (Seqs{"1001", "1002", "1003", "1004"}));
  EXPECT_EQ(buffer.resyncs(), 1u);
  EXPECT_EQ(buffer.lost(), 0u);
}

TEST(ReorderBuffer, UsesAnEarlierPacketThatOvertookTheFirst) {
  ReorderBuffer buffer;
  push(buffer, 6);
  push(buffer, 5);
  EXPECT_EQ(popAll(buffer), (Seqs{"5", "6"}));
}

TEST(ReorderBuffer, ResetStartsANewSequence) {
  ReorderBuffer buffer;
  push(buffer, 500);
  popAll(buffer);
  buffer.reset();
  push(buffer, 7);
  EXPECT_EQ(popAll(buffer), Seqs{"7"});
  EXPECT_EQ(buffer.late(), 0u);
}

}  // namespace
}  // namespace jb::translation
