#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "rtp/RtpPacket.hpp"

namespace jb::rtp {
namespace {

struct PacketSpec {
  uint8_t payloadType = 96;
  bool marker = false;
  uint16_t seq = 0x1234;
  uint32_t timestamp = 0xdeadbeef;
  uint32_t ssrc = 0x11223344;
  std::vector<uint32_t> csrcs{};
  std::optional<uint16_t> extensionProfile{};
  std::vector<uint8_t> extension{};  // elements; zero-padded to 4 bytes here
  std::vector<uint8_t> payload = {1, 2, 3, 4, 5};
  uint8_t padding = 0;
};

void put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

std::vector<uint8_t> build(const PacketSpec& s) {
  std::vector<uint8_t> out;
  out.push_back(
      static_cast<uint8_t>(0x80 | (s.padding ? 0x20 : 0) | (s.extensionProfile ? 0x10 : 0) | s.csrcs.size()));
  out.push_back(static_cast<uint8_t>((s.marker ? 0x80 : 0) | s.payloadType));
  out.push_back(static_cast<uint8_t>(s.seq >> 8));
  out.push_back(static_cast<uint8_t>(s.seq));
  put32(out, s.timestamp);
  put32(out, s.ssrc);
  for (uint32_t csrc : s.csrcs) put32(out, csrc);
  if (s.extensionProfile) {
    auto ext = s.extension;
    ext.resize((ext.size() + 3) / 4 * 4, 0);
    out.push_back(static_cast<uint8_t>(*s.extensionProfile >> 8));
    out.push_back(static_cast<uint8_t>(*s.extensionProfile));
    out.push_back(static_cast<uint8_t>(ext.size() / 4 >> 8));
    out.push_back(static_cast<uint8_t>(ext.size() / 4));
    out.insert(out.end(), ext.begin(), ext.end());
  }
  out.insert(out.end(), s.payload.begin(), s.payload.end());
  if (s.padding) {
    out.insert(out.end(), s.padding - 1, 0);
    out.push_back(s.padding);
  }
  return out;
}

std::vector<uint8_t> bytesOf(std::span<const uint8_t> s) {
  return {s.begin(), s.end()};
}

std::array<uint8_t, 256> identityMap() {
  std::array<uint8_t, 256> map{};
  for (size_t i = 0; i < map.size(); ++i) map[i] = static_cast<uint8_t>(i);
  return map;
}

TEST(RtpPacket, ParsesFixedHeaderFields) {
  auto buf = build({.marker = true});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->payloadType(), 96);
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->sequenceNumber(), 0x1234);
  EXPECT_EQ(p->timestamp(), 0xdeadbeefu);
  EXPECT_EQ(p->ssrc(), 0x11223344u);
  EXPECT_EQ(p->csrcCount(), 0u);
  EXPECT_FALSE(p->hasExtension());
  EXPECT_EQ(p->headerSize(), 12u);
  EXPECT_EQ(p->paddingSize(), 0u);
  EXPECT_EQ(bytesOf(p->payload()), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(p->data().size(), buf.size());
}

TEST(RtpPacket, SettersRewriteBufferInPlace) {
  auto buf = build({.csrcs = {7}});
  auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  p->setPayloadType(111);
  p->setMarker(true);
  p->setSequenceNumber(0xfffe);
  p->setTimestamp(0x01020304);
  p->setSsrc(0xcafebabe);
  const auto expected = build({.payloadType = 111,
                               .marker = true,
                               .seq = 0xfffe,
                               .timestamp = 0x01020304,
                               .ssrc = 0xcafebabe,
                               .csrcs = {7}});
  EXPECT_EQ(buf, expected);
  p->setMarker(false);
  EXPECT_EQ(p->payloadType(), 111);
  EXPECT_FALSE(p->marker());
}

TEST(RtpPacket, SkipsCsrcList) {
  auto buf = build({.csrcs = {0xa, 0xb, 0xc}});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->csrcCount(), 3u);
  EXPECT_EQ(p->csrc(0), 0xau);
  EXPECT_EQ(p->csrc(2), 0xcu);
  EXPECT_EQ(p->headerSize(), 24u);
  EXPECT_EQ(bytesOf(p->payload()), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(RtpPacket, ExcludesPaddingFromPayload) {
  auto buf = build({.padding = 3});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->paddingSize(), 3u);
  EXPECT_EQ(bytesOf(p->payload()), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(RtpPacket, AcceptsPaddingOnlyPacket) {
  auto buf = build({.payload = {}, .padding = 4});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->payload().empty());
}

TEST(RtpPacket, RejectsZeroPaddingCount) {
  auto buf = build({.padding = 2});
  buf.back() = 0;
  EXPECT_FALSE(RtpPacket::parse(buf));
}

TEST(RtpPacket, RejectsPaddingLongerThanPayload) {
  auto buf = build({.padding = 2});
  buf.back() = 8;  // 5 payload + 2 padding < 8
  EXPECT_FALSE(RtpPacket::parse(buf));
}

TEST(RtpPacket, RejectsTruncatedHeaders) {
  const auto full = build({.csrcs = {1, 2},
                           .extensionProfile = RtpPacket::kOneByteProfile,
                           .extension = {0x10, 0xaa, 0x21, 1, 2, 3},
                           .payload = {}});
  // Every strict prefix is either short of the fixed header, the CSRCs or the extension block.
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(RtpPacket::parse(prefix)) << "length " << n;
  }
  auto copy = full;
  EXPECT_TRUE(RtpPacket::parse(copy));
}

TEST(RtpPacket, RejectsWrongVersion) {
  auto buf = build({});
  buf[0] = (buf[0] & 0x3f) | 0x40;
  EXPECT_FALSE(RtpPacket::parse(buf));
}

TEST(RtpPacket, FindsOneByteExtensions) {
  // id 1 len 1, padding byte, id 3 len 3, id 14 len 1.
  auto buf = build({.extensionProfile = RtpPacket::kOneByteProfile,
                    .extension = {0x10, 0xaa, 0x00, 0x32, 1, 2, 3, 0xe0, 0x77}});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->hasExtension());
  EXPECT_EQ(p->extensionProfile(), 0xBEDE);
  EXPECT_EQ(p->headerSize(), 12u + 4 + 12);
  ASSERT_TRUE(p->extension(1));
  EXPECT_EQ(bytesOf(*p->extension(1)), std::vector<uint8_t>{0xaa});
  ASSERT_TRUE(p->extension(3));
  EXPECT_EQ(bytesOf(*p->extension(3)), (std::vector<uint8_t>{1, 2, 3}));
  ASSERT_TRUE(p->extension(14));
  EXPECT_EQ(bytesOf(*p->extension(14)), std::vector<uint8_t>{0x77});
  EXPECT_FALSE(p->extension(2));
  EXPECT_FALSE(p->extension(0));
  EXPECT_EQ(bytesOf(p->payload()), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(RtpPacket, StopsOneByteParsingAtReservedId15) {
  auto buf = build({.extensionProfile = RtpPacket::kOneByteProfile, .extension = {0xf0, 0x10, 0xaa}});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->extension(1));
}

TEST(RtpPacket, IgnoresElementOverrunningBlock) {
  auto buf = build({.extensionProfile = RtpPacket::kOneByteProfile, .extension = {0x10, 0xaa, 0x2f}});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->extension(1));
  EXPECT_FALSE(p->extension(2));  // claims 16 bytes in a 4-byte block
}

TEST(RtpPacket, FindsTwoByteExtensions) {
  // id 1 len 0, padding, id 200 len 2, id 16 len 3.
  auto buf = build(
      {.extensionProfile = 0x1000, .extension = {0x01, 0x00, 0x00, 200, 2, 0xab, 0xcd, 16, 3, 7, 8, 9}});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->extension(1));
  EXPECT_TRUE(p->extension(1)->empty());
  ASSERT_TRUE(p->extension(200));
  EXPECT_EQ(bytesOf(*p->extension(200)), (std::vector<uint8_t>{0xab, 0xcd}));
  ASSERT_TRUE(p->extension(16));
  EXPECT_EQ(bytesOf(*p->extension(16)), (std::vector<uint8_t>{7, 8, 9}));
  EXPECT_FALSE(p->extension(2));
}

TEST(RtpPacket, AcceptsTwoByteProfileAppBits) {
  auto buf = build({.extensionProfile = 0x100f, .extension = {5, 1, 0x42}});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->extension(5));
  EXPECT_EQ(bytesOf(*p->extension(5)), std::vector<uint8_t>{0x42});
}

TEST(RtpPacket, IgnoresUnknownExtensionProfile) {
  auto buf = build({.extensionProfile = 0xABCD, .extension = {0x10, 0xaa}});
  const auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->hasExtension());
  EXPECT_FALSE(p->extension(1));
  EXPECT_EQ(bytesOf(p->payload()), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(RtpPacket, RemapsOneByteExtensionIds) {
  auto buf =
      build({.extensionProfile = RtpPacket::kOneByteProfile, .extension = {0x10, 0xaa, 0x32, 1, 2, 3}});
  auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  auto map = identityMap();
  map[1] = 5;
  map[3] = 1;
  p->remapExtensionIds(map);
  ASSERT_TRUE(p->extension(5));
  EXPECT_EQ(bytesOf(*p->extension(5)), std::vector<uint8_t>{0xaa});
  ASSERT_TRUE(p->extension(1));
  EXPECT_EQ(bytesOf(*p->extension(1)), (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_FALSE(p->extension(3));
  EXPECT_EQ(buf[16], 0x50);
  EXPECT_EQ(buf[18], 0x12);
}

TEST(RtpPacket, ZeroesOneByteExtensionMappedToZero) {
  auto buf =
      build({.extensionProfile = RtpPacket::kOneByteProfile, .extension = {0x10, 0xaa, 0x32, 1, 2, 3}});
  auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  auto map = identityMap();
  map[1] = 0;
  p->remapExtensionIds(map);
  EXPECT_EQ(std::vector<uint8_t>(buf.begin() + 16, buf.begin() + 24),
            (std::vector<uint8_t>{0, 0, 0x32, 1, 2, 3, 0, 0}));
  EXPECT_FALSE(p->extension(1));
  ASSERT_TRUE(p->extension(3));  // later elements still parse past the new padding
  EXPECT_EQ(bytesOf(*p->extension(3)), (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_EQ(bytesOf(p->payload()), (std::vector<uint8_t>{1, 2, 3, 4, 5}));
}

TEST(RtpPacket, ZeroesOneByteExtensionMappedBeyondFourteen) {
  auto buf = build({.extensionProfile = RtpPacket::kOneByteProfile, .extension = {0x10, 0xaa}});
  auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  auto map = identityMap();
  map[1] = 15;
  p->remapExtensionIds(map);
  EXPECT_FALSE(p->extension(1));
  EXPECT_FALSE(p->extension(15));
  EXPECT_EQ(buf[16], 0);
  EXPECT_EQ(buf[17], 0);
}

TEST(RtpPacket, RemapsAndZeroesTwoByteExtensions) {
  auto buf = build({.extensionProfile = 0x1000, .extension = {1, 1, 0xaa, 200, 2, 0xab, 0xcd}});
  auto p = RtpPacket::parse(buf);
  ASSERT_TRUE(p);
  auto map = identityMap();
  map[1] = 0;
  map[200] = 30;
  p->remapExtensionIds(map);
  EXPECT_FALSE(p->extension(1));
  EXPECT_FALSE(p->extension(200));
  ASSERT_TRUE(p->extension(30));
  EXPECT_EQ(bytesOf(*p->extension(30)), (std::vector<uint8_t>{0xab, 0xcd}));
  EXPECT_EQ(std::vector<uint8_t>(buf.begin() + 16, buf.begin() + 19), (std::vector<uint8_t>{0, 0, 0}));
}

}  // namespace
}  // namespace jb::rtp
