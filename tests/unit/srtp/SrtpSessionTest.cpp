#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <stdexcept>
#include <vector>

#include "srtp/SrtpSession.hpp"

namespace jb::srtp {
namespace {

using Direction = SrtpSession::Direction;

std::vector<uint8_t> masterKey(Profile profile, uint8_t seed) {
  std::vector<uint8_t> key(keyLength(profile) + saltLength(profile));
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(seed + i * 7);
  return key;
}

// A minimal RTP packet (RFC 3550 §5.1): V=2, PT=96, given sequence number, SSRC 0x11223344.
std::vector<uint8_t> rtpPacket(uint16_t seq, size_t payload = 100) {
  std::vector<uint8_t> pkt = {
      0x80, 96,  static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0, 0x10, 0x00, 0x11, 0x22,
      0x33, 0x44};
  for (size_t i = 0; i < payload; ++i) pkt.push_back(static_cast<uint8_t>(i));
  return pkt;
}

// A receiver report with no report blocks (RFC 3550 §6.4.2).
std::vector<uint8_t> rtcpPacket() {
  return {0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
}

struct Protected {
  std::vector<uint8_t> bytes;
};

Protected protect(SrtpSession& session, const std::vector<uint8_t>& plain, bool rtcp) {
  std::vector<uint8_t> buf(plain.size() + SrtpSession::kMaxTrailer);
  std::copy(plain.begin(), plain.end(), buf.begin());
  auto len = rtcp ? session.protectRtcp(buf.data(), plain.size(), buf.size())
                  : session.protectRtp(buf.data(), plain.size(), buf.size());
  EXPECT_TRUE(len.has_value());
  buf.resize(len.value_or(0));
  return {buf};
}

// Readable parameter names in ctest output instead of "4-byte object <00-00 00-00>".
}  // namespace
void PrintTo(Profile profile, std::ostream* os) {
  *os << (profile == Profile::AeadAes128Gcm ? "AeadAes128Gcm" : "AesCm128HmacSha1_80");
}
namespace {

class SrtpSessionRoundTrip : public ::testing::TestWithParam<Profile> {};

TEST_P(SrtpSessionRoundTrip, RtpProtectThenUnprotectRestoresPlaintext) {
  auto key = masterKey(GetParam(), 1);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  SrtpSession in(GetParam(), Direction::Inbound, key);
  for (uint16_t seq = 1000; seq < 1010; ++seq) {
    auto plain = rtpPacket(seq);
    auto p = protect(out, plain, false);
    ASSERT_GT(p.bytes.size(), plain.size());
    EXPECT_NE(std::vector<uint8_t>(p.bytes.begin() + 12, p.bytes.begin() + 40),
              std::vector<uint8_t>(plain.begin() + 12, plain.begin() + 40));
    auto len = in.unprotectRtp(p.bytes.data(), p.bytes.size());
    ASSERT_TRUE(len);
    p.bytes.resize(*len);
    EXPECT_EQ(p.bytes, plain);
  }
}

TEST_P(SrtpSessionRoundTrip, RtcpProtectThenUnprotectRestoresPlaintext) {
  auto key = masterKey(GetParam(), 2);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  SrtpSession in(GetParam(), Direction::Inbound, key);
  for (int i = 0; i < 3; ++i) {
    auto plain = rtcpPacket();
    auto p = protect(out, plain, true);
    auto len = in.unprotectRtcp(p.bytes.data(), p.bytes.size());
    ASSERT_TRUE(len);
    p.bytes.resize(*len);
    EXPECT_EQ(p.bytes, plain);
  }
}

TEST_P(SrtpSessionRoundTrip, TamperedRtpCiphertextFailsAuthentication) {
  auto key = masterKey(GetParam(), 3);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  SrtpSession in(GetParam(), Direction::Inbound, key);
  auto p = protect(out, rtpPacket(1), false);
  p.bytes[20] ^= 0x01;
  EXPECT_FALSE(in.unprotectRtp(p.bytes.data(), p.bytes.size()));
}

TEST_P(SrtpSessionRoundTrip, TamperedRtcpCiphertextFailsAuthentication) {
  auto key = masterKey(GetParam(), 4);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  SrtpSession in(GetParam(), Direction::Inbound, key);
  auto p = protect(out, rtcpPacket(), true);
  p.bytes[6] ^= 0x80;
  EXPECT_FALSE(in.unprotectRtcp(p.bytes.data(), p.bytes.size()));
}

TEST_P(SrtpSessionRoundTrip, ReplayedRtpPacketIsRejected) {
  auto key = masterKey(GetParam(), 5);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  SrtpSession in(GetParam(), Direction::Inbound, key);
  auto p = protect(out, rtpPacket(42), false);
  auto copy = p.bytes;
  ASSERT_TRUE(in.unprotectRtp(p.bytes.data(), p.bytes.size()));
  EXPECT_FALSE(in.unprotectRtp(copy.data(), copy.size()));
}

TEST_P(SrtpSessionRoundTrip, ReplayedRtcpPacketIsRejected) {
  auto key = masterKey(GetParam(), 6);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  SrtpSession in(GetParam(), Direction::Inbound, key);
  auto p = protect(out, rtcpPacket(), true);
  auto copy = p.bytes;
  ASSERT_TRUE(in.unprotectRtcp(p.bytes.data(), p.bytes.size()));
  EXPECT_FALSE(in.unprotectRtcp(copy.data(), copy.size()));
}

TEST_P(SrtpSessionRoundTrip, OutOfOrderPacketWithinReplayWindowIsAccepted) {
  auto key = masterKey(GetParam(), 7);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  SrtpSession in(GetParam(), Direction::Inbound, key);
  auto early = protect(out, rtpPacket(100), false);
  for (uint16_t seq = 101; seq < 600; ++seq) {
    auto p = protect(out, rtpPacket(seq, 10), false);
    ASSERT_TRUE(in.unprotectRtp(p.bytes.data(), p.bytes.size()));
  }
  EXPECT_TRUE(in.unprotectRtp(early.bytes.data(), early.bytes.size()));
}

TEST_P(SrtpSessionRoundTrip, RetransmissionWithSameSequenceCanBeProtectedAgain) {
  auto key = masterKey(GetParam(), 8);
  SrtpSession out(GetParam(), Direction::Outbound, key);
  protect(out, rtpPacket(7), false);
  auto plain = rtpPacket(7);
  std::vector<uint8_t> buf(plain.size() + SrtpSession::kMaxTrailer);
  std::copy(plain.begin(), plain.end(), buf.begin());
  EXPECT_TRUE(out.protectRtp(buf.data(), plain.size(), buf.size()));
}

TEST_P(SrtpSessionRoundTrip, WrongKeyFailsToUnprotect) {
  SrtpSession out(GetParam(), Direction::Outbound, masterKey(GetParam(), 9));
  SrtpSession in(GetParam(), Direction::Inbound, masterKey(GetParam(), 10));
  auto rtp = protect(out, rtpPacket(1), false);
  EXPECT_FALSE(in.unprotectRtp(rtp.bytes.data(), rtp.bytes.size()));
  auto rtcp = protect(out, rtcpPacket(), true);
  EXPECT_FALSE(in.unprotectRtcp(rtcp.bytes.data(), rtcp.bytes.size()));
}

TEST_P(SrtpSessionRoundTrip, ConstructorRejectsWrongKeyLength) {
  std::vector<uint8_t> tooShort(keyLength(GetParam()) + saltLength(GetParam()) - 1, 0xab);
  EXPECT_THROW(SrtpSession(GetParam(), Direction::Inbound, tooShort), std::runtime_error);
  std::vector<uint8_t> tooLong(keyLength(GetParam()) + saltLength(GetParam()) + 1, 0xab);
  EXPECT_THROW(SrtpSession(GetParam(), Direction::Outbound, tooLong), std::runtime_error);
}

TEST_P(SrtpSessionRoundTrip, ProtectRefusesBufferWithoutTrailerRoom) {
  SrtpSession out(GetParam(), Direction::Outbound, masterKey(GetParam(), 11));
  auto plain = rtpPacket(1);
  EXPECT_FALSE(out.protectRtp(plain.data(), plain.size(), plain.size()));
}

TEST_P(SrtpSessionRoundTrip, TruncatedPacketIsRejectedWithoutCrashing) {
  SrtpSession in(GetParam(), Direction::Inbound, masterKey(GetParam(), 12));
  std::array<uint8_t, 5> tiny = {0x80, 96, 0, 1, 0};
  EXPECT_FALSE(in.unprotectRtp(tiny.data(), tiny.size()));
  EXPECT_FALSE(in.unprotectRtcp(tiny.data(), tiny.size()));
}

INSTANTIATE_TEST_SUITE_P(BothProfiles, SrtpSessionRoundTrip,
                         ::testing::Values(Profile::AesCm128HmacSha1_80, Profile::AeadAes128Gcm),
                         [](const auto& info) {
                           return info.param == Profile::AeadAes128Gcm ? std::string("AeadAes128Gcm")
                                                                       : std::string("AesCm128HmacSha1_80");
                         });

TEST(SrtpProfile, KeyAndSaltLengthsMatchRfc) {
  EXPECT_EQ(keyLength(Profile::AesCm128HmacSha1_80), 16u);
  EXPECT_EQ(saltLength(Profile::AesCm128HmacSha1_80), 14u);
  EXPECT_EQ(keyLength(Profile::AeadAes128Gcm), 16u);
  EXPECT_EQ(saltLength(Profile::AeadAes128Gcm), 12u);
}

}  // namespace
}  // namespace jb::srtp
