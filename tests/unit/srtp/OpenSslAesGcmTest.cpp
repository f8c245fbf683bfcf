// Wire compatibility of the OpenSSL AES-GCM cipher with libsrtp's own (NSS, in Debian's build).
//
// Each test runs in its own process (ctest). It initialises libsrtp with its built-in GCM, makes
// sessions with libsrtp's API, then installs ours and makes SrtpSessions: packets must cross between
// the two implementations in both directions.
#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <vector>

#include "srtp/OpenSslAesGcm.hpp"
#include "srtp/SrtpLibrary.hpp"
#include "srtp/SrtpSession.hpp"

namespace jb::srtp {
namespace {

constexpr uint32_t kSsrc = 0x11223344;

std::vector<uint8_t> masterKeyAndSalt() {
  std::vector<uint8_t> key(keyLength(Profile::AeadAes128Gcm) + saltLength(Profile::AeadAes128Gcm));
  for (size_t i = 0; i < key.size(); ++i) key[i] = static_cast<uint8_t>(0x31 + i * 11);
  return key;
}

std::vector<uint8_t> rtpPacket(uint16_t sequence, size_t payload) {
  std::vector<uint8_t> packet = {0x80,
                                 96,
                                 static_cast<uint8_t>(sequence >> 8),
                                 static_cast<uint8_t>(sequence),
                                 0,
                                 0,
                                 0x10,
                                 0x00,
                                 0x11,
                                 0x22,
                                 0x33,
                                 0x44};
  for (size_t i = 0; i < payload; ++i) packet.push_back(static_cast<uint8_t>(i * 3 + sequence));
  return packet;
}

std::vector<uint8_t> rtcpSenderReport() {
  return {0x80, 200, 0x00, 0x06, 0x11, 0x22, 0x33, 0x44, 1, 2, 3, 4, 5,    6,
          7,    8,   0,    0,    0x10, 0,    0,    0,    0, 9, 0, 0, 0x20, 0};
}

// A session made with libsrtp's API directly, before any SrtpSession exists: libsrtp's own cipher.
class BuiltInSession {
 public:
  BuiltInSession(srtp_ssrc_type_t direction, std::vector<uint8_t>& key) {
    srtp_policy_t policy{};
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
    policy.ssrc.type = direction;
    policy.key = key.data();
    policy.window_size = 1024;
    EXPECT_EQ(srtp_create(&session_, &policy), srtp_err_status_ok);
  }
  ~BuiltInSession() { srtp_dealloc(session_); }
  srtp_t get() { return session_; }

 private:
  srtp_t session_ = nullptr;
};

TEST(OpenSslAesGcm, SessionsUseItByDefault) {
  auto key = masterKeyAndSalt();
  SrtpSession session(Profile::AeadAes128Gcm, SrtpSession::Direction::Outbound, key);
  EXPECT_TRUE(usingOpenSslAesGcm());  // libsrtp ran both known-answer tests and took it
}

// Sessions from libsrtp's API with its built-in cipher, then ours installed for what follows.
struct BuiltInThenOurs {
  BuiltInThenOurs() { initialiseSrtpLibrary(GcmCipher::LibsrtpBuiltIn); }
};

TEST(OpenSslAesGcm, RtpCrossesBetweenBuiltInAndOpenSslInBothDirections) {
  BuiltInThenOurs library;
  auto key = masterKeyAndSalt();
  BuiltInSession builtInSender(ssrc_any_outbound, key);
  BuiltInSession builtInReceiver(ssrc_any_inbound, key);
  ASSERT_FALSE(usingOpenSslAesGcm());
  ASSERT_TRUE(installOpenSslAesGcm());
  SrtpSession ourReceiver(Profile::AeadAes128Gcm, SrtpSession::Direction::Inbound, key);
  SrtpSession ourSender(Profile::AeadAes128Gcm, SrtpSession::Direction::Outbound, key);

  for (uint16_t sequence = 65530; sequence != 10; ++sequence) {  // across a rollover
    const auto plain = rtpPacket(sequence, 40 + sequence % 1100);

    std::vector<uint8_t> packet(plain.size() + SrtpSession::kMaxTrailer);
    std::copy(plain.begin(), plain.end(), packet.begin());
    int length = static_cast<int>(plain.size());
    ASSERT_EQ(srtp_protect(builtInSender.get(), packet.data(), &length), srtp_err_status_ok);
    auto opened = ourReceiver.unprotectRtp(packet.data(), static_cast<size_t>(length));
    ASSERT_TRUE(opened) << "sequence " << sequence;
    EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + static_cast<long>(*opened)), plain);

    std::copy(plain.begin(), plain.end(), packet.begin());
    auto sealed = ourSender.protectRtp(packet.data(), plain.size(), packet.size());
    ASSERT_TRUE(sealed);
    length = static_cast<int>(*sealed);
    ASSERT_EQ(srtp_unprotect(builtInReceiver.get(), packet.data(), &length), srtp_err_status_ok)
        << "sequence " << sequence;
    EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + length), plain);
  }
}

TEST(OpenSslAesGcm, RtcpCrossesBetweenBuiltInAndOpenSsl) {
  BuiltInThenOurs library;
  auto key = masterKeyAndSalt();
  BuiltInSession builtInSender(ssrc_any_outbound, key);
  BuiltInSession builtInReceiver(ssrc_any_inbound, key);
  ASSERT_FALSE(usingOpenSslAesGcm());
  ASSERT_TRUE(installOpenSslAesGcm());
  SrtpSession ourReceiver(Profile::AeadAes128Gcm, SrtpSession::Direction::Inbound, key);
  SrtpSession ourSender(Profile::AeadAes128Gcm, SrtpSession::Direction::Outbound, key);
  const auto plain = rtcpSenderReport();

  std::vector<uint8_t> packet(plain.size() + SrtpSession::kMaxTrailer);
  std::copy(plain.begin(), plain.end(), packet.begin());
  int length = static_cast<int>(plain.size());
  ASSERT_EQ(srtp_protect_rtcp(builtInSender.get(), packet.data(), &length), srtp_err_status_ok);
  auto opened = ourReceiver.unprotectRtcp(packet.data(), static_cast<size_t>(length));
  ASSERT_TRUE(opened);
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + static_cast<long>(*opened)), plain);

  std::copy(plain.begin(), plain.end(), packet.begin());
  auto sealed = ourSender.protectRtcp(packet.data(), plain.size(), packet.size());
  ASSERT_TRUE(sealed);
  length = static_cast<int>(*sealed);
  ASSERT_EQ(srtp_unprotect_rtcp(builtInReceiver.get(), packet.data(), &length), srtp_err_status_ok);
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + length), plain);
}

TEST(OpenSslAesGcm, ForgedTagFromEitherSideIsRejected) {
  BuiltInThenOurs library;
  auto key = masterKeyAndSalt();
  BuiltInSession builtInSender(ssrc_any_outbound, key);
  ASSERT_TRUE(installOpenSslAesGcm());
  SrtpSession ourReceiver(Profile::AeadAes128Gcm, SrtpSession::Direction::Inbound, key);
  const auto plain = rtpPacket(7, 300);
  std::vector<uint8_t> packet(plain.size() + SrtpSession::kMaxTrailer);
  std::copy(plain.begin(), plain.end(), packet.begin());
  int length = static_cast<int>(plain.size());
  ASSERT_EQ(srtp_protect(builtInSender.get(), packet.data(), &length), srtp_err_status_ok);
  packet[static_cast<size_t>(length) - 1] ^= 0x01;  // last byte of the tag
  EXPECT_FALSE(ourReceiver.unprotectRtp(packet.data(), static_cast<size_t>(length)));
  packet[static_cast<size_t>(length) - 1] ^= 0x01;
  packet[20] ^= 0x80;  // ciphertext
  EXPECT_FALSE(ourReceiver.unprotectRtp(packet.data(), static_cast<size_t>(length)));
  packet[20] ^= 0x80;
  EXPECT_TRUE(ourReceiver.unprotectRtp(packet.data(), static_cast<size_t>(length)));
}

}  // namespace
}  // namespace jb::srtp
