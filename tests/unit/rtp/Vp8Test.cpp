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

}  // namespace
}  // namespace jb::rtp::codecs
