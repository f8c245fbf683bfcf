#include "signaling/TlsIdentity.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "dtls/Fingerprint.hpp"
#include "dtls/OpenSslPtr.hpp"

namespace jb::signaling {

namespace asio = boost::asio;

namespace {

constexpr long kValiditySeconds = 30L * 24 * 3600;
constexpr long kBackdateSeconds = 3600;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("TLS certificate: " + what);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read '" + path + "'");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void addExtension(X509* x509, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x509, x509, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail("cannot build extension " + value);
  const int ok = X509_add_ext(x509, ext, -1);
  X509_EXTENSION_free(ext);
  if (ok != 1) fail("cannot add extension " + value);
}

std::string subjectAltName(const std::vector<std::string>& hosts) {
  std::string san;
  for (const std::string& host : hosts) {
    if (host.empty() || host.find_first_of(",\n") != std::string::npos) continue;
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    const std::string entry = (ec ? "DNS:" : "IP:") + host;
    if (san.find(entry) != std::string::npos) continue;
    san += (san.empty() ? "" : ",") + entry;
  }
  return san;
}

std::string toPem(int (*write)(BIO*, void*), void* object) {
  dtls::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get(), object) != 1) fail("cannot encode PEM");
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(length));
}

}  // namespace

TlsIdentity loadTlsIdentity(const std::string& certificateFile, const std::string& keyFile) {
  return {readFile(certificateFile), readFile(keyFile)};
}

TlsIdentity makeSelfSignedTlsIdentity(const std::vector<std::string>& hosts) {
  dtls::EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("EC P-256 key generation failed");
  dtls::X509Ptr x509(X509_new());
  if (!x509 || X509_set_version(x509.get(), X509_VERSION_3) != 1) fail("X509_new failed");

  unsigned char serialBytes[16];
  if (RAND_bytes(serialBytes, sizeof(serialBytes)) != 1) fail("RAND_bytes failed");
  serialBytes[0] &= 0x7f;
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_bin2bn(serialBytes, sizeof(serialBytes), nullptr),
                                                     &BN_free);
  if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x509.get())))
    fail("cannot set serial number");
  if (!X509_gmtime_adj(X509_getm_notBefore(x509.get()), -kBackdateSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(x509.get()), kValiditySeconds))
    fail("cannot set validity");

  X509_NAME* name = X509_get_subject_name(x509.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("jbcalling self-signed"), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(x509.get(), name) != 1 || X509_set_pubkey(x509.get(), key.get()) != 1)
    fail("cannot set subject/issuer/key");

  // Browsers match the host against subjectAltName only (RFC 6125 §6.4.4), never the CN.
  const std::string san = subjectAltName(hosts);
  if (!san.empty()) addExtension(x509.get(), NID_subject_alt_name, san);
  addExtension(x509.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExtension(x509.get(), NID_key_usage, "critical,digitalSignature");
  addExtension(x509.get(), NID_ext_key_usage, "serverAuth");
  if (X509_sign(x509.get(), key.get(), EVP_sha256()) <= 0) fail("signing failed");

  return {toPem([](BIO* b, void* x) { return PEM_write_bio_X509(b, static_cast<X509*>(x)); }, x509.get()),
          toPem(
              [](BIO* b, void* k) {
                return PEM_write_bio_PrivateKey(b, static_cast<EVP_PKEY*>(k), nullptr, nullptr, 0, nullptr,
                                                nullptr);
              },
              key.get())};
}

std::string tlsFingerprintSha256(const TlsIdentity& identity) {
  dtls::BioPtr bio(BIO_new_mem_buf(identity.certificateChainPem.data(),
                                   static_cast<int>(identity.certificateChainPem.size())));
  dtls::X509Ptr x509(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  auto fingerprint = x509 ? dtls::computeFingerprint(x509.get(), "sha-256") : std::nullopt;
  if (!fingerprint) fail("cannot read the certificate");
  return *fingerprint;
}

std::shared_ptr<asio::ssl::context> makeServerTlsContext(const TlsIdentity& identity) {
  auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
  context->use_certificate_chain(asio::buffer(identity.certificateChainPem));
  context->use_private_key(asio::buffer(identity.privateKeyPem), asio::ssl::context::pem);
  if (SSL_CTX_check_private_key(context->native_handle()) != 1)
    fail("the private key does not match the certificate");
  return context;
}

}  // namespace jb::signaling
