#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "net/Rfc4571Framer.hpp"

namespace jb::net {
namespace {

using Bytes = std::vector<uint8_t>;
using Error = Rfc4571Framer::Error;

Bytes frame(const Bytes& payload) {
  Bytes out;
  appendFrame(out, payload);
  return out;
}

Bytes payloadOf(size_t size, uint8_t first = 0) {
  Bytes out(size);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(first + i);
  return out;
}

std::vector<Bytes> drain(Rfc4571Framer& framer) {
  std::vector<Bytes> out;
  while (auto f = framer.next()) out.emplace_back(f->begin(), f->end());
  return out;
}

TEST(Rfc4571Framer, AppendFramePrefixesBigEndianLength) {
  Bytes out{0xAA};
  appendFrame(out, payloadOf(0x0102));
  ASSERT_EQ(out.size(), 1u + 2u + 0x0102u);
  EXPECT_EQ(out[0], 0xAA);  // appends, never clears
  EXPECT_EQ(out[1], 0x01);
  EXPECT_EQ(out[2], 0x02);
  EXPECT_EQ(out[3], 0x00);
}

TEST(Rfc4571Framer, AppendFrameRejectsEmptyAndOversizedPayloads) {
  Bytes out;
  EXPECT_THROW(appendFrame(out, Bytes{}), std::length_error);
  EXPECT_THROW(appendFrame(out, Bytes(Rfc4571Framer::kMaxFrameSize + 1)), std::length_error);
  EXPECT_TRUE(out.empty());
  appendFrame(out, Bytes(Rfc4571Framer::kMaxFrameSize));
  EXPECT_EQ(out[0], 0xFF);
  EXPECT_EQ(out[1], 0xFF);
}

TEST(Rfc4571Framer, YieldsFrameFedInOneChunk) {
  Rfc4571Framer framer;
  ASSERT_TRUE(framer.feed(frame({1, 2, 3})));
  EXPECT_EQ(drain(framer), (std::vector<Bytes>{{1, 2, 3}}));
  EXPECT_EQ(framer.bufferedBytes(), 0u);
}

TEST(Rfc4571Framer, ReassemblesFrameSplitAcrossChunks) {
  Rfc4571Framer framer;
  const Bytes wire = frame(payloadOf(300));
  // Split inside the length prefix and inside the payload.
  ASSERT_TRUE(framer.feed({wire.data(), 1}));
  EXPECT_FALSE(framer.next());
  ASSERT_TRUE(framer.feed({wire.data() + 1, 100}));
  EXPECT_FALSE(framer.next());
  EXPECT_EQ(framer.bufferedBytes(), 101u);
  ASSERT_TRUE(framer.feed({wire.data() + 101, wire.size() - 101}));
  EXPECT_EQ(drain(framer), (std::vector<Bytes>{payloadOf(300)}));
}

TEST(Rfc4571Framer, YieldsSeveralFramesFromOneChunkInOrder) {
  Rfc4571Framer framer;
  Bytes wire;
  appendFrame(wire, Bytes{1});
  appendFrame(wire, payloadOf(20, 7));
  appendFrame(wire, Bytes{9, 9});
  appendFrame(wire, payloadOf(5));  // only the prefix and 2 payload bytes arrive
  wire.resize(wire.size() - 3);
  ASSERT_TRUE(framer.feed(wire));
  EXPECT_EQ(drain(framer), (std::vector<Bytes>{{1}, payloadOf(20, 7), {9, 9}}));
  EXPECT_EQ(framer.bufferedBytes(), 4u);
  ASSERT_TRUE(framer.feed(Bytes{2, 3, 4}));
  EXPECT_EQ(drain(framer), (std::vector<Bytes>{payloadOf(5)}));
}

TEST(Rfc4571Framer, ReassemblesStreamFedByteAtATime) {
  Rfc4571Framer framer;
  Bytes wire;
  const std::vector<Bytes> payloads{payloadOf(1), payloadOf(256, 3), payloadOf(1500, 5)};
  for (const auto& p : payloads) appendFrame(wire, p);
  std::vector<Bytes> got;
  for (uint8_t b : wire) {
    ASSERT_TRUE(framer.feed({&b, 1}));
    for (auto& f : drain(framer)) got.push_back(std::move(f));
  }
  EXPECT_EQ(got, payloads);
  EXPECT_EQ(framer.bufferedBytes(), 0u);
}

TEST(Rfc4571Framer, AcceptsMaximumSizeFrame) {
  Rfc4571Framer framer;
  const Bytes payload = payloadOf(Rfc4571Framer::kMaxFrameSize);
  ASSERT_TRUE(framer.feed(frame(payload)));
  EXPECT_EQ(drain(framer), (std::vector<Bytes>{payload}));
}

TEST(Rfc4571Framer, ZeroLengthFrameIsAStickyError) {
  Rfc4571Framer framer;
  Bytes wire = frame({1});
  wire.insert(wire.end(), {0x00, 0x00});
  appendFrame(wire, Bytes{2});
  ASSERT_TRUE(framer.feed(wire));
  EXPECT_EQ(drain(framer), (std::vector<Bytes>{{1}}));  // frames before the bad one are delivered
  EXPECT_EQ(framer.error(), Error::EmptyFrame);
  EXPECT_FALSE(framer.feed(frame({3})));
  EXPECT_FALSE(framer.next());
  EXPECT_EQ(framer.bufferedBytes(), 0u);
}

TEST(Rfc4571Framer, OversizedLengthFailsBeforeItsPayloadArrives) {
  Rfc4571Framer framer(/*maxFrameSize=*/1500);
  ASSERT_TRUE(framer.feed(frame(payloadOf(1500))));
  EXPECT_EQ(drain(framer).size(), 1u);
  ASSERT_TRUE(framer.feed(Bytes{0x05, 0xDD}));  // 1501
  EXPECT_FALSE(framer.next());
  EXPECT_EQ(framer.error(), Error::FrameTooLarge);
  EXPECT_FALSE(framer.feed(Bytes{1}));
}

TEST(Rfc4571Framer, FeedingPastBufferCapWithoutDrainingIsAnError) {
  Rfc4571Framer framer(/*maxFrameSize=*/100, /*maxBufferedBytes=*/250);
  const Bytes wire = frame(payloadOf(98));  // 100 bytes on the wire
  ASSERT_TRUE(framer.feed(wire));
  ASSERT_TRUE(framer.feed(wire));
  EXPECT_EQ(framer.bufferedBytes(), 200u);
  EXPECT_FALSE(framer.feed(wire));
  EXPECT_EQ(framer.error(), Error::BufferOverflow);
  EXPECT_FALSE(framer.next());
  EXPECT_EQ(framer.bufferedBytes(), 0u);
}

TEST(Rfc4571Framer, DrainedFramesFreeBufferSpace) {
  Rfc4571Framer framer(/*maxFrameSize=*/100, /*maxBufferedBytes=*/250);
  const Bytes wire = frame(payloadOf(98));
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(framer.feed(wire));
    ASSERT_TRUE(framer.feed(wire));
    EXPECT_EQ(drain(framer).size(), 2u);
  }
  EXPECT_EQ(framer.error(), Error::None);
}

TEST(Rfc4571Framer, BufferCapAlwaysHoldsOneWholeFrame) {
  Rfc4571Framer framer(/*maxFrameSize=*/1000, /*maxBufferedBytes=*/10);
  EXPECT_EQ(framer.maxBufferedBytes(), 1002u);
  EXPECT_TRUE(framer.feed(frame(payloadOf(1000))));
  EXPECT_EQ(drain(framer).size(), 1u);
}

TEST(Rfc4571Framer, EmptyChunkIsHarmless) {
  Rfc4571Framer framer;
  EXPECT_TRUE(framer.feed({}));
  EXPECT_FALSE(framer.next());
  EXPECT_EQ(framer.error(), Error::None);
}

}  // namespace
}  // namespace jb::net
