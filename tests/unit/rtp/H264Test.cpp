#include <gtest/gtest.h>

#include <vector>

#include "rtp/codecs/H264.hpp"

namespace jb::rtp::codecs {
namespace {

TEST(H264, DetectsSingleNalIdrAndSps) {
  EXPECT_TRUE(h264IsKeyframe(std::vector<uint8_t>{0x65, 0x88, 0x84}));  // nal_ref_idc 3, type 5
  EXPECT_TRUE(h264IsKeyframe(std::vector<uint8_t>{0x67, 0x42, 0x00}));  // type 7
}

TEST(H264, RejectsNonIdrSliceAndPps) {
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{0x41, 0x9a, 0x00}));  // type 1
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{0x68, 0xce}));        // type 8
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{}));
}

TEST(H264, DetectsKeyNalInsideStapA) {
  // STAP-A: [SEI size 2][PPS size 2][IDR size 3]
  EXPECT_TRUE(h264IsKeyframe(std::vector<uint8_t>{0x78, 0x00, 0x02, 0x06, 0x05, 0x00, 0x02, 0x68, 0xce, 0x00,
                                                  0x03, 0x65, 0x88, 0x84}));
  // STAP-A with SPS first
  EXPECT_TRUE(h264IsKeyframe(std::vector<uint8_t>{0x78, 0x00, 0x02, 0x67, 0x42}));
}

TEST(H264, RejectsStapAWithoutKeyNal) {
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{0x78, 0x00, 0x02, 0x41, 0x9a, 0x00, 0x02, 0x68, 0xce}));
}

TEST(H264, RejectsStapAWithOverrunningSize) {
  // The first size claims more bytes than remain, so the IDR that follows is never reached.
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{0x78, 0x00, 0x09, 0x41, 0x65}));
}

TEST(H264, DetectsFuAStartFragmentOfIdr) {
  EXPECT_TRUE(h264IsKeyframe(std::vector<uint8_t>{0x7c, 0x85, 0x88}));  // S=1, type 5
}

TEST(H264, RejectsFuAMiddleFragmentAndNonKeyStart) {
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{0x7c, 0x05, 0x88}));  // S=0
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{0x7c, 0x81, 0x88}));  // S=1, type 1
  EXPECT_FALSE(h264IsKeyframe(std::vector<uint8_t>{0x7c}));
}

}  // namespace
}  // namespace jb::rtp::codecs
