#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "rtp/Rtx.hpp"

namespace jb::rtp {
namespace {

// V=2, X=1, P=1, CC=0; M=1 PT=96; seq 0x1234; ts 0xdeadbeef; ssrc 0x11223344;
// one-byte extension block (id 1, 1 byte 0xab, padded), payload 5 bytes, 3 bytes of padding.
std::vector<uint8_t> original() {
  return {0xb0, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x11, 0x22,
          0x33, 0x44, 0xbe, 0xde, 0x00, 0x01, 0x10, 0xab, 0x00, 0x00,  // extension: profile, 1 word, element
          1,    2,    3,    4,    5,                                   // payload
          0x00, 0x00, 0x03};                                           // padding, count 3
}

TEST(Rtx, WrapPrefixesPayloadWithOriginalSequenceNumber) {
  auto bytes = original();
  auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  std::array<uint8_t, 64> out{};
  const size_t length = wrapRtx(*packet, 97, 0xcafebabe, 0x0102, out);
  ASSERT_EQ(length, bytes.size() + 2);

  // RFC 4588 §4: same header but PT, seq and SSRC are the RTX stream's; marker and ts unchanged.
  const std::vector<uint8_t> expected{0xb0, 0xe1, 0x01, 0x02, 0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe,
                                      0xbe, 0xde, 0x00, 0x01, 0x10, 0xab, 0x00, 0x00, 0x12, 0x34,  // OSN
                                      1,    2,    3,    4,    5,    0x00, 0x00, 0x03};
  EXPECT_EQ(std::vector<uint8_t>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(length)), expected);

  auto rtx = RtpPacket::parse(std::span<uint8_t>(out.data(), length));
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->payload().size(), 7u) << "OSN + original payload, padding still recognised";
  EXPECT_EQ(rtx->paddingSize(), 3u);
}

TEST(Rtx, UnwrapRestoresTheOriginalBytes) {
  auto bytes = original();
  auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  std::array<uint8_t, 64> out{};
  const size_t length = wrapRtx(*packet, 97, 0xcafebabe, 7, out);
  auto rtx = RtpPacket::parse(std::span<uint8_t>(out.data(), length));
  ASSERT_TRUE(rtx);

  auto back = unwrapRtx(*rtx);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->data().data(), out.data() + 2) << "unwrapped in place, header moved over the OSN";
  EXPECT_EQ(back->sequenceNumber(), 0x1234);
  EXPECT_EQ(back->extension(1)->size(), 1u);
  back->setPayloadType(96);
  back->setSsrc(0x11223344);
  EXPECT_EQ(std::vector<uint8_t>(back->data().begin(), back->data().end()), bytes);
}

TEST(Rtx, UnwrapRefusesPacketWithoutOsn) {
  // Padding-only RTX (a bandwidth probe): header + 4 bytes of padding, no payload at all.
  std::vector<uint8_t> probe{0xa0, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 4};
  auto rtx = RtpPacket::parse(probe);
  ASSERT_TRUE(rtx);
  EXPECT_FALSE(unwrapRtx(*rtx));
  std::vector<uint8_t> oneByte{0x80, 97, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9, 0x42};
  rtx = RtpPacket::parse(oneByte);
  ASSERT_TRUE(rtx);
  EXPECT_FALSE(unwrapRtx(*rtx));
}

TEST(Rtx, WrapFailsWhenOutputTooSmall) {
  auto bytes = original();
  auto packet = RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  std::vector<uint8_t> out(bytes.size() + 1);
  EXPECT_EQ(wrapRtx(*packet, 97, 1, 1, out), 0u);
}

}  // namespace
}  // namespace jb::rtp
