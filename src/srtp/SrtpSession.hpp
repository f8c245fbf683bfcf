#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "srtp/Profile.hpp"

struct srtp_ctx_t_;

namespace jb::srtp {

// One direction of SRTP/SRTCP for a transport: every SSRC sent (Outbound) or received (Inbound)
// shares the master key, so the libsrtp session uses ssrc_any_outbound / ssrc_any_inbound.
// Hot-path methods never throw: they return nullopt and the caller counts the drop.
class SrtpSession {
 public:
  enum class Direction { Inbound, Outbound };

  // Bytes libsrtp may append: auth tag + MKI (SRTP_MAX_TRAILER_LEN) + the 4-byte SRTCP index.
  static constexpr size_t kMaxTrailer = 148;

  // masterKeyAndSalt is key|salt, keyLength(profile) + saltLength(profile) bytes.
  // Throws std::runtime_error on a wrong length or when libsrtp refuses the policy.
  SrtpSession(Profile profile, Direction direction, std::span<const uint8_t> masterKeyAndSalt);
  ~SrtpSession();
  SrtpSession(SrtpSession&&) noexcept;
  SrtpSession& operator=(SrtpSession&&) noexcept;

  // Outbound: `buf` holds `len` bytes of plaintext and has `capacity` >= len + kMaxTrailer.
  // Encrypts in place and returns the protected length.
  std::optional<size_t> protectRtp(uint8_t* buf, size_t len, size_t capacity);
  std::optional<size_t> protectRtcp(uint8_t* buf, size_t len, size_t capacity);

  // Inbound: authenticates and decrypts in place; nullopt on auth failure, replay or malformed input.
  std::optional<size_t> unprotectRtp(uint8_t* buf, size_t len);
  std::optional<size_t> unprotectRtcp(uint8_t* buf, size_t len);

  Profile profile() const { return profile_; }
  Direction direction() const { return direction_; }

 private:
  struct SessionDeleter {
    void operator()(srtp_ctx_t_* session) const;
  };

  Profile profile_;
  Direction direction_;
  std::unique_ptr<srtp_ctx_t_, SessionDeleter> session_;
};

}  // namespace jb::srtp
