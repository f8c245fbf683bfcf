#include <gtest/gtest.h>

#include <vector>

#include "rtp/codecs/Vp8.hpp"

namespace jb::rtp::codecs {
namespace {

// RFC 6386 §9.1: 3-byte frame tag (bit 0 = 0 for key frames) then start code 9d 01 2a.
const std::vector<uint8_t> kKeyFrameHeader{0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
const std::vector<uint8_t> kInterFrameHeader{0x11, 0x02, 0x00, 0xaa, 0xbb, 0xcc};

std::vector<uint8_t> concat(std::vector<uint8_t> descriptor, const std::vector<uint8_t>& frame) {
  descriptor.insert(descriptor.end(), frame.begin(), frame.end());
  return descriptor;
}

TEST(Vp8, DetectsKeyframeWithMinimalDescriptor) {
  EXPECT_TRUE(vp8IsKeyframe(concat({0x10}, kKeyFrameHeader)));  // S=1, PID=0
}

TEST(Vp8, DetectsKeyframeWithAllExtendedFields) {
  // X=1,S=1 | I,L,T,K | M=1 15-bit PictureID (2 bytes) | TL0PICIDX | TID/Y/KEYIDX
  EXPECT_TRUE(vp8IsKeyframe(concat({0x90, 0xf0, 0x80 | 0x12, 0x34, 0x05, 0x20}, kKeyFrameHeader)));
  // 7-bit PictureID, only I set
  EXPECT_TRUE(vp8IsKeyframe(concat({0x90, 0x80, 0x12}, kKeyFrameHeader)));
  // Only K set: one TID/Y/KEYIDX byte
  EXPECT_TRUE(vp8IsKeyframe(concat({0x90, 0x10, 0x00}, kKeyFrameHeader)));
}

TEST(Vp8, RejectsInterFrame) {
  EXPECT_FALSE(vp8IsKeyframe(concat({0x10}, kInterFrameHeader)));
  EXPECT_FALSE(vp8IsKeyframe(concat({0x90, 0xf0, 0x80 | 0x12, 0x34, 0x05, 0x20}, kInterFrameHeader)));
}

TEST(Vp8, RejectsContinuationAndNonZeroPartition) {
  EXPECT_FALSE(vp8IsKeyframe(concat({0x00}, kKeyFrameHeader)));  // S=0
  EXPECT_FALSE(vp8IsKeyframe(concat({0x11}, kKeyFrameHeader)));  // PID=1
}

TEST(Vp8, RejectsMisreadDescriptorOffset) {
  // Same bytes as a key frame, but T set without its byte would shift the frame header.
  EXPECT_FALSE(vp8IsKeyframe(concat({0x90, 0x20}, kKeyFrameHeader)));
}

TEST(Vp8, RejectsTruncatedPayloads) {
  const auto full = concat({0x90, 0xf0, 0x80 | 0x12, 0x34, 0x05, 0x20}, kKeyFrameHeader);
  for (size_t n = 0; n < 12; ++n) {
    EXPECT_FALSE(vp8IsKeyframe(std::span(full).first(n))) << n;
  }
}

TEST(Vp8, ParsesDescriptorFields) {
  const auto payload = concat({0x90, 0xe0, 0x80 | 0x12, 0x34, 0x05, 0x80}, kInterFrameHeader);
  auto d = parseVp8Descriptor(payload);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->startOfPartition);
  EXPECT_EQ(d->pictureId, 0x1234);
  EXPECT_TRUE(d->longPictureId);
  EXPECT_EQ(d->tl0PicIdx, 5);
  EXPECT_EQ(d->temporalId, 2);
  EXPECT_EQ(d->size, 6u);
  EXPECT_FALSE(parseVp8Descriptor(std::vector<uint8_t>{0x90, 0x80, 0x80}));  // 15-bit id cut short
}

std::vector<uint8_t> picture(uint16_t id, uint8_t tl0) {
  return concat({0x90, 0xc0, static_cast<uint8_t>(0x80 | (id >> 8)), static_cast<uint8_t>(id), tl0},
                kInterFrameHeader);
}

TEST(Vp8PictureRewriter, KeepsPictureIdsContinuousAcrossAStreamSwitch) {
  Vp8PictureRewriter r;
  auto a = picture(100, 7);
  r.rewrite(a, false);
  EXPECT_EQ(parseVp8Descriptor(a)->pictureId, 100) << "the first stream goes out unchanged";
  auto b = picture(101, 8);
  r.rewrite(b, false);
  r.markSwitch();
  auto c = picture(0x7ffe, 250);  // the other encoder's numbers, about to wrap
  r.rewrite(c, false);
  EXPECT_EQ(parseVp8Descriptor(c)->pictureId, 102);
  EXPECT_EQ(parseVp8Descriptor(c)->tl0PicIdx, 9);
  auto d = picture(0x7fff, 251);
  r.rewrite(d, false);
  auto e = picture(0, 252);  // wrapped on the source side
  r.rewrite(e, false);
  EXPECT_EQ(parseVp8Descriptor(d)->pictureId, 103);
  EXPECT_EQ(parseVp8Descriptor(e)->pictureId, 104);
  EXPECT_EQ(parseVp8Descriptor(e)->tl0PicIdx, 11);
  // A retransmission of an earlier picture gets the same offset and moves nothing.
  auto again = picture(0x7ffe, 250);
  r.rewrite(again, true);
  EXPECT_EQ(parseVp8Descriptor(again)->pictureId, 102);
  auto next = picture(1, 253);
  r.rewrite(next, false);
  EXPECT_EQ(parseVp8Descriptor(next)->pictureId, 105);
}

}  // namespace
}  // namespace jb::rtp::codecs
