#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace jb::dtls {

// Drops protected DTLS records (epoch != 0) too short to hold the AEAD nonce and tag.
//
// Why: OpenSSL 3.0 treats such a record as a fatal internal_error when the negotiated cipher is
// AES-GCM or ChaCha20-Poly1305 (the AAD setup fails before decryption), instead of silently
// discarding it as RFC 6347 §4.1.2.7 requires. Without this filter one spoofed 17-byte datagram
// on the 5-tuple tears down an established session.
//
// Returns true and fills `out` when something was removed; false means use `datagram` unchanged
// (including when the datagram is malformed, which OpenSSL already drops safely).
bool removeShortProtectedRecords(std::span<const uint8_t> datagram, size_t minProtectedLength,
                                 std::vector<uint8_t>& out);

}  // namespace jb::dtls
