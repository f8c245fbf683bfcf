#pragma once

namespace jb::srtp {

// libsrtp's state (its crypto kernel) is process-wide: it is set up once, before the first session.
enum class GcmCipher {
  OpenSsl,         // the default: see OpenSslAesGcm.hpp
  LibsrtpBuiltIn,  // libsrtp's own; tests use it to check wire compatibility with ours
};

// Idempotent: only the first call initialises, and its choice stays. Throws if libsrtp cannot start.
void initialiseSrtpLibrary(GcmCipher gcm = GcmCipher::OpenSsl);

}  // namespace jb::srtp
