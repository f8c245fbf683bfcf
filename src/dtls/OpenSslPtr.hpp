#pragma once

#include <openssl/types.h>

#include <memory>

namespace jb::dtls {

// RAII owners for the OpenSSL objects this module creates. Deleters are defined out of line so
// public headers only need OpenSSL's forward declarations.
struct OpenSslDeleter {
  void operator()(X509* p) const;
  void operator()(EVP_PKEY* p) const;
  void operator()(SSL_CTX* p) const;
  void operator()(SSL* p) const;
  void operator()(BIO* p) const;
};

using X509Ptr = std::unique_ptr<X509, OpenSslDeleter>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslDeleter>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter>;

}  // namespace jb::dtls
