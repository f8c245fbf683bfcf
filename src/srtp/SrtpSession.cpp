#include "srtp/SrtpSession.hpp"

#include <srtp2/srtp.h>

#include <climits>
#include <stdexcept>
#include <string>
#include <vector>

#include "srtp/SrtpLibrary.hpp"

namespace jb::srtp {

static_assert(SrtpSession::kMaxTrailer >= SRTP_MAX_TRAILER_LEN + 4,
              "srtp_protect_rtcp may append the trailer plus the SRTCP index");

namespace {

// RFC 3711 §3.3.2 requires a window of at least 64; video bursts with NACK-driven reordering need
// more, and 1024 is what browsers use.
constexpr unsigned long kReplayWindow = 1024;

std::string describe(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_bad_param:
      return "bad parameter";
    case srtp_err_status_alloc_fail:
      return "allocation failure";
    case srtp_err_status_init_fail:
      return "init failure";
    case srtp_err_status_cipher_fail:
      return "cipher failure (profile unsupported by this libsrtp build?)";
    default:
      return "error " + std::to_string(status);
  }
}

}  // namespace

void SrtpSession::SessionDeleter::operator()(srtp_ctx_t_* session) const {
  srtp_dealloc(session);
}

SrtpSession::SrtpSession(Profile profile, Direction direction, std::span<const uint8_t> masterKeyAndSalt)
    : profile_(profile), direction_(direction) {
  const size_t expected = keyLength(profile) + saltLength(profile);
  if (masterKeyAndSalt.size() != expected) {
    throw std::runtime_error("SRTP master key+salt must be " + std::to_string(expected) + " bytes, got " +
                             std::to_string(masterKeyAndSalt.size()));
  }
  initialiseSrtpLibrary();

  srtp_policy_t policy{};
  switch (profile) {
    case Profile::AesCm128HmacSha1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case Profile::AeadAes128Gcm:
      // RFC 7714 §14.2: AEAD_AES_128_GCM uses a 16-octet tag for both SRTP and SRTCP.
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
  }
  policy.ssrc.type = direction == Direction::Inbound ? ssrc_any_inbound : ssrc_any_outbound;
  // libsrtp only reads the key while creating the session; the copy keeps the const promise.
  std::vector<uint8_t> key(masterKeyAndSalt.begin(), masterKeyAndSalt.end());
  policy.key = key.data();
  policy.window_size = kReplayWindow;
  // An SFU re-sends stored packets in answer to NACKs (RFC 4585), with the same sequence number.
  policy.allow_repeat_tx = 1;
  policy.next = nullptr;

  srtp_t session = nullptr;
  if (srtp_err_status_t status = srtp_create(&session, &policy); status != srtp_err_status_ok) {
    throw std::runtime_error("srtp_create failed: " + describe(status));
  }
  session_.reset(session);
}

SrtpSession::~SrtpSession() = default;
SrtpSession::SrtpSession(SrtpSession&&) noexcept = default;
SrtpSession& SrtpSession::operator=(SrtpSession&&) noexcept = default;

std::optional<size_t> SrtpSession::protectRtp(uint8_t* buf, size_t len, size_t capacity) {
  if (!session_ || direction_ != Direction::Outbound || len > INT_MAX - kMaxTrailer ||
      capacity < len + kMaxTrailer) {
    return std::nullopt;
  }
  int length = static_cast<int>(len);
  if (srtp_protect(session_.get(), buf, &length) != srtp_err_status_ok) return std::nullopt;
  return static_cast<size_t>(length);
}

std::optional<size_t> SrtpSession::protectRtcp(uint8_t* buf, size_t len, size_t capacity) {
  if (!session_ || direction_ != Direction::Outbound || len > INT_MAX - kMaxTrailer ||
      capacity < len + kMaxTrailer) {
    return std::nullopt;
  }
  int length = static_cast<int>(len);
  if (srtp_protect_rtcp(session_.get(), buf, &length) != srtp_err_status_ok) return std::nullopt;
  return static_cast<size_t>(length);
}

std::optional<size_t> SrtpSession::unprotectRtp(uint8_t* buf, size_t len) {
  if (!session_ || direction_ != Direction::Inbound || len > INT_MAX) return std::nullopt;
  int length = static_cast<int>(len);
  if (srtp_unprotect(session_.get(), buf, &length) != srtp_err_status_ok) return std::nullopt;
  return static_cast<size_t>(length);
}

std::optional<size_t> SrtpSession::unprotectRtcp(uint8_t* buf, size_t len) {
  if (!session_ || direction_ != Direction::Inbound || len > INT_MAX) return std::nullopt;
  int length = static_cast<int>(len);
  if (srtp_unprotect_rtcp(session_.get(), buf, &length) != srtp_err_status_ok) return std::nullopt;
  return static_cast<size_t>(length);
}

}  // namespace jb::srtp
