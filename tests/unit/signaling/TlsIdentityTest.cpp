#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>

#include "signaling/TlsIdentity.hpp"

namespace jb::signaling {
namespace {

std::unique_ptr<X509, decltype(&X509_free)> parse(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())),
                                                &BIO_free);
  return {PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free};
}

TEST(TlsIdentity, SelfSignedCertificateIsP256WithTheHostsAsSubjectAltNames) {
  TlsIdentity id = makeSelfSignedTlsIdentity({"localhost", "127.0.0.1", "192.168.1.20", "127.0.0.1"});
  auto x509 = parse(id.certificateChainPem);
  ASSERT_TRUE(x509);
  EVP_PKEY* key = X509_get0_pubkey(x509.get());
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
  char group[32] = {};
  size_t length = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(key, group, sizeof(group), &length), 1);
  EXPECT_STREQ(group, "prime256v1");

  EXPECT_EQ(X509_check_host(x509.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(x509.get(), "192.168.1.20", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(x509.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(x509.get(), "example.com", 0, 0, nullptr), 1);
  EXPECT_NE(X509_check_ip_asc(x509.get(), "10.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_purpose(x509.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
}

TEST(TlsIdentity, FingerprintIsColonSeparatedSha256AndDiffersPerCertificate) {
  TlsIdentity a = makeSelfSignedTlsIdentity({"localhost"});
  TlsIdentity b = makeSelfSignedTlsIdentity({"localhost"});
  std::string fp = tlsFingerprintSha256(a);
  EXPECT_EQ(fp.size(), 32u * 3 - 1);
  EXPECT_EQ(fp[2], ':');
  EXPECT_NE(fp, tlsFingerprintSha256(b));
}

TEST(TlsIdentity, ServerContextRefusesAKeyThatDoesNotMatch) {
  TlsIdentity a = makeSelfSignedTlsIdentity({"localhost"});
  TlsIdentity b = makeSelfSignedTlsIdentity({"localhost"});
  EXPECT_NO_THROW(makeServerTlsContext(a));
  EXPECT_THROW(makeServerTlsContext({a.certificateChainPem, b.privateKeyPem}), std::exception);
  EXPECT_THROW(makeServerTlsContext({"not pem", a.privateKeyPem}), std::exception);
  EXPECT_THROW(loadTlsIdentity("/nonexistent/cert.pem", "/nonexistent/key.pem"), std::runtime_error);
}

}  // namespace
}  // namespace jb::signaling
