#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <regex>

#include "dtls/Certificate.hpp"
#include "dtls/Fingerprint.hpp"

namespace jb::dtls {
namespace {

// The same digest `openssl x509 -fingerprint -sha256` prints, computed independently.
std::string opensslStyleFingerprint(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EXPECT_EQ(X509_digest(cert, EVP_sha256(), md, &len), 1);
  std::string out;
  char byte[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof(byte), i == 0 ? "%02X" : ":%02X", md[i]);
    out += byte;
  }
  return out;
}

TEST(Certificate, Sha256FingerprintIs32UpperCaseColonSeparatedBytes) {
  auto cert = Certificate::generate();
  const std::string& fp = cert->fingerprintSha256();
  EXPECT_EQ(fp.size(), 95u);
  EXPECT_TRUE(std::regex_match(fp, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}"))) << fp;
  EXPECT_EQ(fp, opensslStyleFingerprint(cert->x509()));
}

TEST(Certificate, IsSelfSignedEcdsaP256WithCommonNameJbcalling) {
  auto cert = Certificate::generate();
  X509* x509 = cert->x509();
  EXPECT_EQ(EVP_PKEY_get_base_id(cert->privateKey()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(cert->privateKey()), 256);
  EXPECT_EQ(X509_check_private_key(x509, cert->privateKey()), 1);
  EXPECT_EQ(X509_verify(x509, cert->privateKey()), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)), 0);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(x509), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "jbcalling");
}

TEST(Certificate, IsValidNowAndExpiresInThirtyDays) {
  auto cert = Certificate::generate();
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert->x509())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert->x509())), 0);
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert->x509())), 1);
  EXPECT_TRUE(days == 30 || (days == 29 && seconds > 86000)) << days << "d " << seconds << "s";
}

TEST(Certificate, EachGeneratedCertificateHasItsOwnKeySerialAndFingerprint) {
  auto a = Certificate::generate();
  auto b = Certificate::generate();
  EXPECT_NE(a->fingerprintSha256(), b->fingerprintSha256());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->x509()), X509_get0_serialNumber(b->x509())), 0);
  EXPECT_EQ(ASN1_INTEGER_get(X509_get0_serialNumber(a->x509())) < 0, false);
}

TEST(Fingerprint, ComputesEveryAlgorithmAllowedInSdp) {
  auto cert = Certificate::generate();
  EXPECT_EQ(computeFingerprint(cert->x509(), "sha-1")->size(), 20u * 3 - 1);
  EXPECT_EQ(computeFingerprint(cert->x509(), "sha-224")->size(), 28u * 3 - 1);
  EXPECT_EQ(computeFingerprint(cert->x509(), "sha-256")->size(), 32u * 3 - 1);
  EXPECT_EQ(computeFingerprint(cert->x509(), "sha-384")->size(), 48u * 3 - 1);
  EXPECT_EQ(computeFingerprint(cert->x509(), "sha-512")->size(), 64u * 3 - 1);
  EXPECT_FALSE(computeFingerprint(cert->x509(), "md5"));
}

TEST(Fingerprint, ValuesCompareCaseInsensitively) {
  EXPECT_TRUE(fingerprintValuesEqual("AB:cd:01", "ab:CD:01"));
  EXPECT_FALSE(fingerprintValuesEqual("AB:CD:01", "AB:CD:02"));
  EXPECT_FALSE(fingerprintValuesEqual("AB:CD", "AB:CD:01"));
}

}  // namespace
}  // namespace jb::dtls
