#pragma once

#include <cstddef>

namespace jb::srtp {

// The DTLS-SRTP protection profiles we negotiate (RFC 5764 §4.1.2, RFC 7714 §14.2).
// AEAD GCM is preferred; AES-CM/HMAC-SHA1-80 is the mandatory-to-implement fallback (RFC 8827 §6.5).
enum class Profile { AesCm128HmacSha1_80, AeadAes128Gcm };

// Master key length in bytes: 16 for both profiles.
size_t keyLength(Profile profile);
// Master salt length in bytes: 14 for AES-CM (RFC 3711 §8.2), 12 for AEAD GCM (RFC 7714 §8.1).
size_t saltLength(Profile profile);

}  // namespace jb::srtp
