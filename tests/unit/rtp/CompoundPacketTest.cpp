#include <gtest/gtest.h>

#include <vector>

#include "rtp/rtcp/CompoundPacket.hpp"

namespace jb::rtp::rtcp {
namespace {

// A browser-style compound packet: SR (1 report block) + SDES CNAME + PLI, built by hand.
const std::vector<uint8_t> kSrSdesPli{
    // SR: V=2 RC=1 PT=200 length=12
    0x81, 0xc8, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x01,  // SSRC 1
    0xe6, 0x5f, 0x10, 0x00, 0x40, 0x00, 0x00, 0x00,  // NTP
    0x00, 0x01, 0x5f, 0x90,                          // RTP ts 90000
    0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x04, 0x00,  // 10 packets, 1024 octets
    0x00, 0x00, 0x00, 0x02, 0x10, 0xff, 0xff, 0xfe,  // block SSRC 2, fraction 16, lost -2
    0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x20,  // highest seq, jitter
    0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x80, 0x00,  // LSR, DLSR
    // SDES: V=2 SC=1 PT=202 length=3: SSRC 1, CNAME "abcd", end + pad
    0x81, 0xca, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x01, 0x04, 'a', 'b', 'c', 'd', 0x00, 0x00,
    // PLI: V=2 FMT=1 PT=206 length=2
    0x81, 0xce, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02};

TEST(CompoundPacket, ParsesSrSdesPli) {
  const auto packets = parseCompound(kSrSdesPli);
  ASSERT_TRUE(packets);
  ASSERT_EQ(packets->size(), 3u);

  const auto& sr = std::get<SenderReport>((*packets)[0]);
  EXPECT_EQ(sr.ssrc, 1u);
  EXPECT_EQ(sr.ntpSeconds, 0xe65f1000u);
  EXPECT_EQ(sr.ntpFraction, 0x40000000u);
  EXPECT_EQ(sr.rtpTimestamp, 90000u);
  EXPECT_EQ(sr.packetCount, 10u);
  EXPECT_EQ(sr.octetCount, 1024u);
  ASSERT_EQ(sr.reports.size(), 1u);
  EXPECT_EQ(sr.reports[0], (ReportBlock{.ssrc = 2,
                                        .fractionLost = 16,
                                        .cumulativeLost = -2,
                                        .highestSeq = 0x1000,
                                        .jitter = 0x20,
                                        .lastSr = 0x11223344,
                                        .delaySinceLastSr = 0x8000}));

  const auto& sdes = std::get<Sdes>((*packets)[1]);
  ASSERT_EQ(sdes.chunks.size(), 1u);
  EXPECT_EQ(sdes.chunks[0], (SdesChunk{1, "abcd"}));

  EXPECT_EQ(std::get<Pli>((*packets)[2]), (Pli{.senderSsrc = 1, .mediaSsrc = 2}));
}

TEST(CompoundPacket, ReserializesToIdenticalBytes) {
  const auto packets = parseCompound(kSrSdesPli);
  ASSERT_TRUE(packets);
  EXPECT_EQ(serializeCompound(*packets), kSrSdesPli);
}

TEST(CompoundPacket, SkipsNonCnameSdesItems) {
  const std::vector<uint8_t> wire{0x81, 0xca, 0x00, 0x04, 0,    0,    0,    9,
                                  0x06, 0x02, 'x',  'y',  // TOOL item
                                  0x01, 0x01, 'c',  0x00, 0x00, 0x00, 0x00, 0x00};
  const auto packets = parseCompound(wire);
  ASSERT_TRUE(packets);
  EXPECT_EQ(std::get<Sdes>(packets->at(0)).chunks.at(0), (SdesChunk{9, "c"}));
}

TEST(CompoundPacket, RejectsLengthBeyondBuffer) {
  auto wire = kSrSdesPli;
  wire[3] = 0x0d;
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsTrailingPartialHeader) {
  auto wire = kSrSdesPli;
  wire.insert(wire.end(), {0x80, 0xc9});
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsTruncation) {
  for (size_t n = 0; n < kSrSdesPli.size(); ++n) {
    if (n == 52 || n == 68) continue;  // packet boundaries: valid shorter compounds
    EXPECT_FALSE(parseCompound(std::span(kSrSdesPli).first(n))) << n;
  }
}

TEST(CompoundPacket, RejectsWrongVersion) {
  auto wire = kSrSdesPli;
  wire[52] = 0x41;
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsReportCountExceedingLength) {
  auto wire = kSrSdesPli;
  wire[0] = 0x82;  // RC=2 but room for one block
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsSdesWithoutTerminator) {
  const std::vector<uint8_t> wire{0x81, 0xca, 0x00, 0x02, 0, 0, 0, 9, 0x01, 0x02, 'a', 'b'};
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsShortPli) {
  const std::vector<uint8_t> wire{0x81, 0xce, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsFirWithPartialEntry) {
  const std::vector<uint8_t> wire{0x84, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5};
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsRembWithMissingSsrcs) {
  const std::vector<uint8_t> wire{0x8f, 0xce, 0x00, 0x04, 0,   0,   0, 1, 0, 0,
                                  0,    0,    'R',  'E',  'M', 'B', 2, 0, 0, 1};
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, RejectsBadPaddingCount) {
  std::vector<uint8_t> wire{0xa0, 0xc9, 0x00, 0x01, 0, 0, 0, 1};  // RR with P set
  wire[7] = 0;
  EXPECT_FALSE(parseCompound(wire));
  wire[7] = 5;  // more than the 4-byte body
  EXPECT_FALSE(parseCompound(wire));
}

TEST(CompoundPacket, StripsValidPadding) {
  const std::vector<uint8_t> wire{0xa1, 0xcb, 0x00, 0x02, 0, 0, 0, 7, 0, 0, 0, 4};  // BYE SC=1 + 4 padding
  const auto packets = parseCompound(wire);
  ASSERT_TRUE(packets);
  EXPECT_EQ(std::get<Bye>(packets->at(0)).ssrcs, std::vector<uint32_t>{7});
}

TEST(CompoundPacket, RejectsEmptyInput) {
  EXPECT_FALSE(parseCompound({}));
}

TEST(CompoundPacket, KeepsTransportCcAsUnknown) {
  const std::vector<uint8_t> wire{0x8f, 0xcd, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  const auto packets = parseCompound(wire);
  ASSERT_TRUE(packets);
  const auto& unknown = std::get<Unknown>(packets->at(0));
  EXPECT_EQ(unknown.packetType, 205);
  EXPECT_EQ(unknown.fmt, 15);
  EXPECT_EQ(unknown.bytes, (std::vector<uint8_t>{0, 0, 0, 1, 0, 0, 0, 2}));
}

}  // namespace
}  // namespace jb::rtp::rtcp
