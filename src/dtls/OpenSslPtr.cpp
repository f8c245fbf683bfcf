#include "dtls/OpenSslPtr.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace jb::dtls {

void OpenSslDeleter::operator()(X509* p) const {
  X509_free(p);
}
void OpenSslDeleter::operator()(EVP_PKEY* p) const {
  EVP_PKEY_free(p);
}
void OpenSslDeleter::operator()(SSL_CTX* p) const {
  SSL_CTX_free(p);
}
void OpenSslDeleter::operator()(SSL* p) const {
  SSL_free(p);
}
void OpenSslDeleter::operator()(BIO* p) const {
  BIO_free(p);
}

}  // namespace jb::dtls
