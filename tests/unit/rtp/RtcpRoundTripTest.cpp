#include <gtest/gtest.h>

#include <vector>

#include "rtp/rtcp/CompoundPacket.hpp"

namespace jb::rtp::rtcp {
namespace {

// Serializes one packet, checks the framing, and parses it back.
Packet roundTrip(const Packet& packet) {
  std::vector<uint8_t> wire;
  serialize(packet, wire);
  EXPECT_EQ(wire.size() % 4, 0u);
  EXPECT_EQ(wire[0] >> 6, 2);
  EXPECT_EQ(4 * (static_cast<size_t>(wire[2] << 8 | wire[3]) + 1), wire.size());
  auto parsed = parseCompound(wire);
  EXPECT_TRUE(parsed);
  if (!parsed || parsed->size() != 1) return Unknown{};
  return parsed->front();
}

const ReportBlock kBlockA{.ssrc = 0x01020304,
                          .fractionLost = 25,
                          .cumulativeLost = 1000,
                          .highestSeq = 0x00015000,
                          .jitter = 77,
                          .lastSr = 0xaabbccdd,
                          .delaySinceLastSr = 65536};
const ReportBlock kBlockB{.ssrc = 5,
                          .fractionLost = 0,
                          .cumulativeLost = -3,
                          .highestSeq = 9,
                          .jitter = 0,
                          .lastSr = 0,
                          .delaySinceLastSr = 0};

TEST(RtcpRoundTrip, SenderReportWithReportBlocks) {
  const SenderReport sr{.ssrc = 0x11111111,
                        .ntpSeconds = 0xe0000000,
                        .ntpFraction = 0x80000000,
                        .rtpTimestamp = 90000,
                        .packetCount = 12,
                        .octetCount = 3400,
                        .reports = {kBlockA, kBlockB}};
  EXPECT_EQ(roundTrip(sr), Packet{sr});
}

TEST(RtcpRoundTrip, SenderReportWithoutReportBlocksIs28Bytes) {
  std::vector<uint8_t> wire;
  serialize(SenderReport{.ssrc = 1}, wire);
  EXPECT_EQ(wire.size(), 28u);
}

TEST(RtcpRoundTrip, ReceiverReport) {
  const ReceiverReport rr{.ssrc = 0x22222222, .reports = {kBlockB}};
  EXPECT_EQ(roundTrip(rr), Packet{rr});
  EXPECT_EQ(roundTrip(ReceiverReport{.ssrc = 7}), Packet{ReceiverReport{.ssrc = 7}});
}

TEST(RtcpRoundTrip, NegativeCumulativeLostKeepsSign) {
  const ReceiverReport rr{.ssrc = 1, .reports = {{.ssrc = 2, .cumulativeLost = -8388608}}};
  EXPECT_EQ(roundTrip(rr), Packet{rr});
}

TEST(RtcpRoundTrip, CumulativeLostClampsTo24Bits) {
  const ReceiverReport rr{.ssrc = 1, .reports = {{.ssrc = 2, .cumulativeLost = 20'000'000}}};
  const auto parsed = std::get<ReceiverReport>(roundTrip(rr));
  EXPECT_EQ(parsed.reports.at(0).cumulativeLost, 0x7fffff);
}

TEST(RtcpRoundTrip, SdesWithSeveralChunkSizes) {
  // CNAME lengths chosen so every padding amount (0..3 extra null octets) occurs.
  const Sdes sdes{.chunks = {{1, "a"}, {2, "ab"}, {3, "abc"}, {4, "abcd"}, {5, ""}, {6, "{7b3c0f3e-user}"}}};
  EXPECT_EQ(roundTrip(sdes), Packet{sdes});
}

TEST(RtcpRoundTrip, Bye) {
  const Bye bye{.ssrcs = {1, 2, 0xffffffff}};
  EXPECT_EQ(roundTrip(bye), Packet{bye});
}

TEST(RtcpRoundTrip, Pli) {
  const Pli pli{.senderSsrc = 1, .mediaSsrc = 0xabcdef01};
  EXPECT_EQ(roundTrip(pli), Packet{pli});
  std::vector<uint8_t> wire;
  serialize(pli, wire);
  EXPECT_EQ(wire, (std::vector<uint8_t>{0x81, 206, 0, 2, 0, 0, 0, 1, 0xab, 0xcd, 0xef, 0x01}));
}

TEST(RtcpRoundTrip, Fir) {
  const Fir fir{.senderSsrc = 9, .entries = {{.ssrc = 100, .seq = 1}, {.ssrc = 200, .seq = 255}}};
  EXPECT_EQ(roundTrip(fir), Packet{fir});
}

TEST(RtcpRoundTrip, Nack) {
  const Nack nack{
      .senderSsrc = 1, .mediaSsrc = 2, .lostSequenceNumbers = {100, 101, 116, 117, 500, 65535, 0, 3}};
  EXPECT_EQ(roundTrip(nack), Packet{nack});
}

TEST(RtcpRoundTrip, Remb) {
  const Remb remb{.senderSsrc = 3, .bitrateBps = 1'500'000 & ~uint64_t{0x7}, .ssrcs = {0x1234, 0x5678}};
  EXPECT_EQ(roundTrip(remb), Packet{remb});
}

TEST(RtcpRoundTrip, RembEncodesMantissaAndExponent) {
  std::vector<uint8_t> wire;
  serialize(Remb{.senderSsrc = 1, .bitrateBps = 0x3FFFF << 4, .ssrcs = {}}, wire);
  ASSERT_EQ(wire.size(), 20u);
  EXPECT_EQ(std::vector<uint8_t>(wire.begin() + 12, wire.end()),
            (std::vector<uint8_t>{'R', 'E', 'M', 'B', 0, (4 << 2) | 0x3, 0xff, 0xff}));
}

TEST(RtcpRoundTrip, RembRoundsBitrateDownToRepresentable) {
  const auto parsed = std::get<Remb>(roundTrip(Remb{.senderSsrc = 1, .bitrateBps = 1'000'001}));
  EXPECT_LE(parsed.bitrateBps, 1'000'001u);
  EXPECT_GT(parsed.bitrateBps, 1'000'001u - 8);
}

TEST(RtcpRoundTrip, UnknownKeepsRawBody) {
  // transport-cc (RTPFB FMT 15) is relayed untouched.
  const Unknown tcc{.packetType = 205, .fmt = 15, .bytes = {0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 0, 1, 0, 0, 0, 3}};
  EXPECT_EQ(roundTrip(tcc), Packet{tcc});
}

TEST(RtcpRoundTrip, UnknownWithUnalignedBodyIsPadded) {
  const Unknown app{.packetType = 204, .fmt = 3, .bytes = {1, 2, 3, 4, 5}};
  std::vector<uint8_t> wire;
  serialize(app, wire);
  EXPECT_EQ(wire.size(), 12u);
  EXPECT_NE(wire[0] & 0x20, 0);  // P bit
  EXPECT_EQ(wire.back(), 3);
  EXPECT_EQ(roundTrip(app), Packet{app});
}

TEST(RtcpRoundTrip, PsfbFmt15WithoutRembIdentifierStaysUnknown) {
  const Unknown afb{.packetType = 206, .fmt = 15, .bytes = {0, 0, 0, 1, 0, 0, 0, 0, 'X', 'Y', 'Z', 'W'}};
  EXPECT_EQ(roundTrip(afb), Packet{afb});
}

TEST(RtcpRoundTrip, TruncatesCountFieldsAt31) {
  Bye bye;
  for (uint32_t i = 0; i < 40; ++i) bye.ssrcs.push_back(i);
  const auto parsed = std::get<Bye>(roundTrip(bye));
  EXPECT_EQ(parsed.ssrcs.size(), 31u);
}

}  // namespace
}  // namespace jb::rtp::rtcp
