#pragma once

namespace jb::srtp {

// Makes libsrtp compute AEAD_AES_128_GCM (RFC 7714) with OpenSSL.
//
// Debian builds libsrtp2 against NSS, whose GCM goes through PKCS#11 and builds a fresh context for
// every packet: perf put NSS at ~35 % of the SFU's CPU while forwarding. libsrtp lets an application
// replace a cipher type in its crypto kernel (srtp_replace_cipher_type); the packet logic (key
// derivation, replay window, rollover counter) stays libsrtp's, only the block cipher work moves to
// OpenSSL's AES-NI code. The kernel runs the replacement's known-answer test and the original's before
// it accepts it, so a wrong implementation is refused instead of used.
//
// Call once, after srtp_init() and before any session exists. Returns false if libsrtp refused the
// replacement; libsrtp's own cipher then stays in place (correct, only slower).
bool installOpenSslAesGcm();

// Whether sessions created from now on use the OpenSSL cipher (for tests and the startup log).
bool usingOpenSslAesGcm();

}  // namespace jb::srtp
