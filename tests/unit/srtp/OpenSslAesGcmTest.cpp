// Wire compatibility of the OpenSSL AES-GCM cipher with libsrtp's own (NSS, in Debian's build).
//
// Each test runs in its own process (ctest). It initialises libsrtp with its built-in GCM, makes
// sessions with libsrtp's API, then installs ours and makes SrtpSessions: packets must cross between
// the two implementations in both directions.
#include <gtest/gtest.h>
#include <srtp2/srtp.h>

#include <optional>
#include <vector>

#include "srtp/OpenSslAesGcm.hpp"
#include "srtp/SrtpLibrary.hpp"
#include "srtp/SrtpSession.hpp"

namespace jb::srtp {
namespace {

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

// One key, both implementations: sessions made with libsrtp's API before ours is installed keep its
// built-in cipher; the SrtpSessions made after use ours.
class CrossImplementation : public ::testing::Test {
 protected:
  CrossImplementation() { initialiseSrtpLibrary(GcmCipher::LibsrtpBuiltIn); }

  void SetUp() override {
    // libsrtp's kernel is process-wide: once ours is in, the built-in cipher is gone for this process.
    if (usingOpenSslAesGcm()) GTEST_SKIP() << "needs a process of its own (ctest runs each test alone)";
    builtInSender_.emplace(ssrc_any_outbound, key_);
    builtInReceiver_.emplace(ssrc_any_inbound, key_);
    ASSERT_FALSE(usingOpenSslAesGcm());
    ASSERT_TRUE(installOpenSslAesGcm());
    ourReceiver_.emplace(Profile::AeadAes128Gcm, SrtpSession::Direction::Inbound, key_);
    ourSender_.emplace(Profile::AeadAes128Gcm, SrtpSession::Direction::Outbound, key_);
  }

  std::vector<uint8_t> key_ = masterKeyAndSalt();
  std::optional<BuiltInSession> builtInSender_, builtInReceiver_;
  std::optional<SrtpSession> ourReceiver_, ourSender_;
};

TEST_F(CrossImplementation, RtpCrossesInBothDirections) {
  for (uint16_t sequence = 65530; sequence != 10; ++sequence) {  // across a rollover
    const auto plain = rtpPacket(sequence, 40 + sequence % 1100);

    std::vector<uint8_t> packet(plain.size() + SrtpSession::kMaxTrailer);
    std::copy(plain.begin(), plain.end(), packet.begin());
    int length = static_cast<int>(plain.size());
    ASSERT_EQ(srtp_protect(builtInSender_->get(), packet.data(), &length), srtp_err_status_ok);
    auto opened = ourReceiver_->unprotectRtp(packet.data(), static_cast<size_t>(length));
    ASSERT_TRUE(opened) << "sequence " << sequence;
    EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + static_cast<long>(*opened)), plain);

    std::copy(plain.begin(), plain.end(), packet.begin());
    auto sealed = ourSender_->protectRtp(packet.data(), plain.size(), packet.size());
    ASSERT_TRUE(sealed);
    length = static_cast<int>(*sealed);
    ASSERT_EQ(srtp_unprotect(builtInReceiver_->get(), packet.data(), &length), srtp_err_status_ok)
        << "sequence " << sequence;
    EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + length), plain);
  }
}

TEST_F(CrossImplementation, RtcpCrossesInBothDirections) {
  const auto plain = rtcpSenderReport();

  std::vector<uint8_t> packet(plain.size() + SrtpSession::kMaxTrailer);
  std::copy(plain.begin(), plain.end(), packet.begin());
  int length = static_cast<int>(plain.size());
  ASSERT_EQ(srtp_protect_rtcp(builtInSender_->get(), packet.data(), &length), srtp_err_status_ok);
  auto opened = ourReceiver_->unprotectRtcp(packet.data(), static_cast<size_t>(length));
  ASSERT_TRUE(opened);
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + static_cast<long>(*opened)), plain);

  std::copy(plain.begin(), plain.end(), packet.begin());
  auto sealed = ourSender_->protectRtcp(packet.data(), plain.size(), packet.size());
  ASSERT_TRUE(sealed);
  length = static_cast<int>(*sealed);
  ASSERT_EQ(srtp_unprotect_rtcp(builtInReceiver_->get(), packet.data(), &length), srtp_err_status_ok);
  EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + length), plain);
}

TEST_F(CrossImplementation, ForgedTagOrCiphertextIsRejected) {
  const auto plain = rtpPacket(7, 300);
  std::vector<uint8_t> packet(plain.size() + SrtpSession::kMaxTrailer);
  std::copy(plain.begin(), plain.end(), packet.begin());
  int length = static_cast<int>(plain.size());
  ASSERT_EQ(srtp_protect(builtInSender_->get(), packet.data(), &length), srtp_err_status_ok);
  packet[static_cast<size_t>(length) - 1] ^= 0x01;  // last byte of the tag
  EXPECT_FALSE(ourReceiver_->unprotectRtp(packet.data(), static_cast<size_t>(length)));
  packet[static_cast<size_t>(length) - 1] ^= 0x01;
  packet[20] ^= 0x80;  // ciphertext
  EXPECT_FALSE(ourReceiver_->unprotectRtp(packet.data(), static_cast<size_t>(length)));
  packet[20] ^= 0x80;
  EXPECT_TRUE(ourReceiver_->unprotectRtp(packet.data(), static_cast<size_t>(length)));
}

}  // namespace
}  // namespace jb::srtp
