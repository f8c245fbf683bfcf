#include "dtls/Fingerprint.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctype>

namespace jb::dtls {

namespace {

const EVP_MD* digestFor(std::string_view algorithm) {
  if (algorithm == "sha-256") return EVP_sha256();
  if (algorithm == "sha-384") return EVP_sha384();
  if (algorithm == "sha-512") return EVP_sha512();
  if (algorithm == "sha-224") return EVP_sha224();
  if (algorithm == "sha-1") return EVP_sha1();
  return nullptr;
}

}  // namespace

std::optional<std::string> computeFingerprint(X509* certificate, std::string_view algorithm) {
  const EVP_MD* md = digestFor(algorithm);
  if (certificate == nullptr || md == nullptr) return std::nullopt;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(certificate, md, digest, &length) != 1) return std::nullopt;

  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(length * 3);
  for (unsigned int i = 0; i < length; ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

bool fingerprintValuesEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace jb::dtls
