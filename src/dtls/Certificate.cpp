#include "dtls/Certificate.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <stdexcept>

#include "dtls/Fingerprint.hpp"

namespace jb::dtls {

namespace {

constexpr long kValiditySeconds = 30L * 24 * 3600;
// Tolerate a peer whose clock is somewhat behind ours.
constexpr long kBackdateSeconds = 24L * 3600;

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("Certificate: ") + what);
}

}  // namespace

Certificate::Certificate(X509Ptr x509, EvpPkeyPtr privateKey)
    : x509_(std::move(x509)), privateKey_(std::move(privateKey)) {
  auto fingerprint = computeFingerprint(x509_.get(), "sha-256");
  if (!fingerprint) fail("cannot compute SHA-256 fingerprint");
  fingerprintSha256_ = std::move(*fingerprint);
}

std::shared_ptr<const Certificate> Certificate::generate() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("EC P-256 key generation failed");

  X509Ptr x509(X509_new());
  if (!x509) fail("X509_new failed");
  if (X509_set_version(x509.get(), X509_VERSION_3) != 1) fail("cannot set version");

  // A random positive serial so two certificates from the same worker never share issuer+serial.
  unsigned char serialBytes[8];
  if (RAND_bytes(serialBytes, sizeof(serialBytes)) != 1) fail("RAND_bytes failed");
  serialBytes[0] &= 0x7f;
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_bin2bn(serialBytes, sizeof(serialBytes), nullptr),
                                                     &BN_free);
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x509.get())) == nullptr) {
    fail("cannot set serial number");
  }

  if (X509_gmtime_adj(X509_getm_notBefore(x509.get()), -kBackdateSeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(x509.get()), kValiditySeconds) == nullptr) {
    fail("cannot set validity");
  }

  X509_NAME* name = X509_get_subject_name(x509.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("jbcalling"), -1, -1, 0) != 1 ||
      X509_set_issuer_name(x509.get(), name) != 1) {
    fail("cannot set subject/issuer");
  }
  if (X509_set_pubkey(x509.get(), key.get()) != 1) fail("cannot set public key");
  if (X509_sign(x509.get(), key.get(), EVP_sha256()) <= 0) fail("signing failed");

  return std::shared_ptr<const Certificate>(new Certificate(std::move(x509), std::move(key)));
}

}  // namespace jb::dtls
