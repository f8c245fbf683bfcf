#pragma once

#include <openssl/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace jb::dtls {

// A certificate fingerprint as signalled in SDP a=fingerprint (RFC 8122 §5) or mediasoup's
// DtlsParameters: algorithm "sha-1" | "sha-224" | "sha-256" | "sha-384" | "sha-512", value "AB:CD:...".
struct Fingerprint {
  std::string algorithm;
  std::string value;
};

// Digest of the DER certificate as upper-case, colon-separated hex; nullopt for an unknown algorithm.
std::optional<std::string> computeFingerprint(X509* certificate, std::string_view algorithm);

// RFC 8122 §5: hex digits compare case-insensitively.
bool fingerprintValuesEqual(std::string_view a, std::string_view b);

}  // namespace jb::dtls
