#include <gtest/gtest.h>

#include <vector>

#include "rtp/Demux.hpp"

namespace jb::rtp {
namespace {

TEST(Demux, ClassifiesRtpByVersionAndPayloadType) {
  std::vector<uint8_t> rtp(12, 0);
  rtp[0] = 0x80;
  rtp[1] = 96;
  EXPECT_TRUE(looksLikeRtp(rtp));
  EXPECT_FALSE(looksLikeRtcp(rtp));
  rtp[1] = 0x80 | 111;  // marker set
  EXPECT_TRUE(looksLikeRtp(rtp));
}

TEST(Demux, ClassifiesRtcpPayloadTypes192To223) {
  std::vector<uint8_t> rtcp{0x80, 200, 0x00, 0x06, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int pt = 192; pt <= 223; ++pt) {
    rtcp[1] = static_cast<uint8_t>(pt);
    EXPECT_TRUE(looksLikeRtcp(rtcp)) << pt;
    EXPECT_FALSE(looksLikeRtp(rtcp)) << pt;
  }
  rtcp[1] = 224;  // RFC 5761 §4: masked 96 is RTP
  EXPECT_FALSE(looksLikeRtcp(rtcp));
}

TEST(Demux, RejectsOtherVersionsAndShortInput) {
  std::vector<uint8_t> stun(20, 0);
  EXPECT_FALSE(looksLikeRtp(stun));
  EXPECT_FALSE(looksLikeRtcp(stun));
  std::vector<uint8_t> dtls(20, 0);
  dtls[0] = 22;
  EXPECT_FALSE(looksLikeRtp(dtls));
  EXPECT_FALSE(looksLikeRtp(std::vector<uint8_t>{0x80, 96, 0, 1}));
  EXPECT_FALSE(looksLikeRtcp(std::vector<uint8_t>{0x80, 200}));
}

}  // namespace
}  // namespace jb::rtp
