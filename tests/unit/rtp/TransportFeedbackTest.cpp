// Transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) against packets
// written out by hand from the draft's figures.

#include <gtest/gtest.h>

#include <vector>

#include "rtp/rtcp/CompoundPacket.hpp"
#include "rtp/rtcp/TransportFeedback.hpp"

namespace jb::rtp::rtcp {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes wire(const TransportFeedback& fb) {
  Bytes out;
  serialize(fb, out);
  return out;
}

// The body after the 4-byte common header, padding removed, as parseCompound hands it over.
std::optional<TransportFeedback> parseWire(const Bytes& bytes) {
  auto packets = parseCompound(bytes);
  if (!packets || packets->size() != 1) return std::nullopt;
  if (const auto* fb = std::get_if<TransportFeedback>(&packets->front())) return *fb;
  return std::nullopt;
}

TEST(TransportFeedback, MixedStatusesUseTwoBitVectorAndLargeDelta) {
  TransportFeedback fb{.senderSsrc = 1,
                       .mediaSsrc = 2,
                       .baseSequence = 100,
                       .referenceTime = 1,
                       .feedbackPacketCount = 0,
                       .deltas = {4, std::nullopt, 8, 300}};
  // Symbols: small(1), not received(0), small(1), large(2) — a large delta is near, so one §3.1.4
  // two-bit status vector chunk: T=1 S=1 | 01 00 01 10 00 00 00 = 1101 0001 1000 0000 = 0xD180.
  // Deltas (§3.1.5): 4 -> 04, 8 -> 08, 300 -> 2 bytes 01 2C. Body 16 + 2 + 4 = 22 bytes, 26 with the
  // header, padded to 28 with 00 02 (P set). Header: V=2 P=1 FMT=15 = 0xAF, PT 205 = 0xCD, length
  // 28/4 - 1 = 6.
  const Bytes expected = {0xAF, 0xCD, 0x00, 0x06,  // common header
                          0x00, 0x00, 0x00, 0x01,  // sender SSRC
                          0x00, 0x00, 0x00, 0x02,  // media SSRC
                          0x00, 0x64, 0x00, 0x04,  // base seq 100, status count 4
                          0x00, 0x00, 0x01, 0x00,  // reference time 1 (64 ms), fb count 0
                          0xD1, 0x80,              // status vector chunk
                          0x04, 0x08, 0x01, 0x2C,  // receive deltas
                          0x00, 0x02};             // padding
  EXPECT_EQ(wire(fb), expected);
  EXPECT_EQ(parseWire(expected), fb);
}

TEST(TransportFeedback, GapUsesOneBitVector) {
  TransportFeedback fb{.baseSequence = 7, .deltas = {1, std::nullopt, std::nullopt, 2, 3}};
  // Symbols 1 0 0 1 1 with no large delta: T=1 S=0 then one bit each from bit 13 down:
  // 10 1001 1000 0000 00 = 0xA600. Deltas 01 02 03. Body 16 + 2 + 3 = 21, +4 = 25, padded to 28
  // with 00 00 03; length 6.
  const Bytes expected = {0xAF, 0xCD, 0x00, 0x06, 0,    0,    0,    0,    0,    0,    0,    0,    0x00, 0x07,
                          0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0xA6, 0x00, 0x01, 0x02, 0x03, 0x00, 0x00, 0x03};
  EXPECT_EQ(wire(fb), expected);
  EXPECT_EQ(parseWire(expected), fb);
}

TEST(TransportFeedback, LongRunsUseRunLengthChunksAcrossSequenceWrap) {
  TransportFeedback fb{.baseSequence = 65530};
  for (int i = 0; i < 20; ++i) fb.deltas.emplace_back(std::nullopt);
  fb.deltas.emplace_back(5);
  // Sequence numbers 65530..65535, 0..14 (wrapping) lost, 15 received. §3.1.3 run length chunks:
  // T=0 S=00 run 20 = 0x0014, then T=0 S=01 run 1 = 0x2001. Base FF FA, count 21 (0x15).
  // Body 16 + 4 + 1 = 21, padded like above.
  const Bytes expected = {0xAF, 0xCD, 0x00, 0x06, 0,    0,    0,    0,    0,    0,    0,    0,    0xFF, 0xFA,
                          0x00, 0x15, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x20, 0x01, 0x05, 0x00, 0x00, 0x03};
  EXPECT_EQ(wire(fb), expected);
  EXPECT_EQ(parseWire(expected), fb);
}

TEST(TransportFeedback, NegativeDeltaIsLargeAndReferenceTimeIsSigned) {
  TransportFeedback fb{.baseSequence = 1, .referenceTime = -2, .feedbackPacketCount = 255, .deltas = {-4}};
  // One large symbol: run length chunk T=0 S=10 run 1 = 0x4001; delta -4 = FF FC. Reference time -2
  // in 24-bit two's complement is FF FF FE. Body 16 + 2 + 2 = 20: no padding, length 24/4 - 1 = 5.
  const Bytes expected = {0x8F, 0xCD, 0x00, 0x05, 0,    0,    0,    0,    0,    0,    0,    0,
                          0x00, 0x01, 0x00, 0x01, 0xFF, 0xFF, 0xFE, 0xFF, 0x40, 0x01, 0xFF, 0xFC};
  EXPECT_EQ(wire(fb), expected);
  EXPECT_EQ(parseWire(expected), fb);
}

TEST(TransportFeedback, RoundTripsManyPacketsWithEveryChunkKind) {
  TransportFeedback fb{.senderSsrc = 9, .mediaSsrc = 10, .baseSequence = 65000, .referenceTime = 0x7FFFFF};
  for (int i = 0; i < 400; ++i) {
    if (i % 37 == 5)
      fb.deltas.emplace_back(std::nullopt);
    else if (i % 53 == 0)
      fb.deltas.emplace_back(-100 - i);
    else if (i > 300 && i < 330)
      fb.deltas.emplace_back(1000);
    else
      fb.deltas.emplace_back(i % 200);
  }
  EXPECT_EQ(parseWire(wire(fb)), fb);
}

TEST(TransportFeedback, RejectsTruncatedDeltasAndReservedSymbols) {
  // Status count 2, one run length chunk of two small deltas, but only one delta byte.
  const Bytes truncated = {0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 2, 0, 0, 0, 0, 0x20, 0x02, 0x07};
  EXPECT_FALSE(parseTransportFeedback(truncated));
  // Run length chunk with the reserved symbol 3 (T=0 S=11).
  const Bytes reserved = {0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0, 0x60, 0x01, 0x07, 0};
  EXPECT_FALSE(parseTransportFeedback(reserved));
  // Chunks missing altogether.
  const Bytes noChunks = {0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 0, 0};
  EXPECT_FALSE(parseTransportFeedback(noChunks));
  // Too short for the fixed part.
  EXPECT_FALSE(parseTransportFeedback(Bytes(15, 0)));
}

TEST(TransportFeedback, MalformedBodyStaysAnUnknownPacketInTheCompound) {
  // RTPFB FMT 15 whose body says 2 packets but carries no chunks: kept as Unknown, so the
  // Receiver Report next to it is not lost.
  const Bytes compound = {0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 3,                          // RR, no blocks
                          0x8F, 0xCD, 0x00, 0x04, 0, 0, 0, 3, 0, 0, 0, 4, 0, 1, 0, 2,  // tcc header
                          0,    0,    0,    0};
  auto packets = parseCompound(compound);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 2u);
  EXPECT_TRUE(std::holds_alternative<Unknown>((*packets)[1]));
}

}  // namespace
}  // namespace jb::rtp::rtcp
