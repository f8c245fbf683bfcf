#pragma once

#include <memory>
#include <string>

#include "dtls/OpenSslPtr.hpp"

namespace jb::dtls {

// The worker's DTLS identity: a self-signed ECDSA P-256 certificate (CN "jbcalling", valid 30 days,
// random serial). WebRTC authenticates it by the fingerprint sent over signalling (RFC 8827 §6.5),
// not by a CA, so one certificate can be shared by every transport.
class Certificate {
 public:
  // Throws std::runtime_error if OpenSSL cannot generate the key or sign the certificate.
  static std::shared_ptr<const Certificate> generate();

  // SHA-256 fingerprint, "AB:CD:..." upper-case hex (RFC 8122 §5).
  const std::string& fingerprintSha256() const { return fingerprintSha256_; }
  X509* x509() const { return x509_.get(); }
  EVP_PKEY* privateKey() const { return privateKey_.get(); }

 private:
  Certificate(X509Ptr x509, EvpPkeyPtr privateKey);

  X509Ptr x509_;
  EvpPkeyPtr privateKey_;
  std::string fingerprintSha256_;
};

}  // namespace jb::dtls
