#include "dtls/DtlsTransport.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include <array>
#include <climits>
#include <stdexcept>
#include <utility>

#include "dtls/RecordFilter.hpp"

namespace jb::dtls {

namespace {

// RFC 5764 §4.1.2 profile names; AEAD GCM first (RFC 7714 §14.2), AES-CM as the
// mandatory-to-implement fallback (RFC 8827 §6.5). The server picks by its own order.
constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

// Forward-secret AEAD suites first (RFC 8827 §6.5 requires ECDHE), matching what Chrome, Firefox
// and Safari offer; CBC fallbacks only for old peers.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA";

constexpr const char* kGroups = "X25519:P-256";

// RFC 5764 §4.2 exporter label.
constexpr char kExporterLabel[] = "EXTRACTOR-dtls_srtp";

// Retransmission timer (RFC 6347 §4.2.4.1). RFC 6347 suggests 1 s initially, but on an ICE path
// whose RTT is already known to be small that stalls call setup for a second per lost flight;
// like libwebrtc and mediasoup we start at 100 ms and double up to 4 s. OpenSSL gives up after
// 12 timeouts without progress (DTLS1_TMO_ALERT_COUNT), i.e. about 34 s.
constexpr unsigned int kInitialTimeoutUs = 100'000;
constexpr unsigned int kMaxTimeoutUs = 4'000'000;

unsigned int nextTimeoutUs(SSL* /*ssl*/, unsigned int previousUs) {
  if (previousUs == 0) return kInitialTimeoutUs;
  return previousUs >= kMaxTimeoutUs / 2 ? kMaxTimeoutUs : previousUs * 2;
}

std::string openSslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    std::array<char, 256> buf{};
    ERR_error_string_n(code, buf.data(), buf.size());
    if (!out.empty()) out += "; ";
    out += buf.data();
  }
  return out;
}

// Smallest valid protected record for the negotiated AEAD: explicit nonce + tag (RFC 5288 §3,
// RFC 7905 §2). Before the cipher is known no protected record can be legitimate yet, so the
// strictest bound applies.
size_t minProtectedRecordLength(const SSL* ssl) {
  const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
  if (cipher == nullptr) cipher = SSL_get_pending_cipher(ssl);
  if (cipher == nullptr) return 8 + 16;
  switch (SSL_CIPHER_get_cipher_nid(cipher)) {
    case NID_aes_128_gcm:
    case NID_aes_256_gcm:
      return 8 + 16;
    case NID_chacha20_poly1305:
      return 16;
    default:
      return 0;  // CBC suites: OpenSSL discards bad records itself
  }
}

std::optional<srtp::Profile> toProfile(const SRTP_PROTECTION_PROFILE* profile) {
  if (profile == nullptr) return std::nullopt;
  switch (profile->id) {
    case SRTP_AEAD_AES_128_GCM:
      return srtp::Profile::AeadAes128Gcm;
    case SRTP_AES128_CM_SHA1_80:
      return srtp::Profile::AesCm128HmacSha1_80;
    default:
      return std::nullopt;
  }
}

}  // namespace

DtlsTransport::DtlsTransport(std::shared_ptr<const Certificate> certificate, Listener& listener)
    : certificate_(std::move(certificate)), listener_(listener) {
  if (!certificate_) throw std::invalid_argument("DtlsTransport needs a certificate");
}

DtlsTransport::~DtlsTransport() = default;

void DtlsTransport::start(Role role, std::vector<Fingerprint> remoteFingerprints) {
  if (state_ != State::New) throw std::logic_error("DtlsTransport::start called twice");
  if (remoteFingerprints.empty()) throw std::invalid_argument("DtlsTransport needs a remote fingerprint");
  role_ = role;
  remoteFingerprints_ = std::move(remoteFingerprints);
  createSsl();
  state_ = State::Connecting;
  if (role_ == Role::Client) {
    SSL_set_connect_state(ssl_.get());
    advanceHandshake();  // emits the ClientHello
  } else {
    SSL_set_accept_state(ssl_.get());
  }
}

void DtlsTransport::createSsl() {
  ERR_clear_error();
  auto check = [](bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("DTLS setup: ") + what + ": " + openSslErrors());
  };

  ctx_.reset(SSL_CTX_new(DTLS_method()));
  check(ctx_ != nullptr, "SSL_CTX_new");
  SSL_CTX* ctx = ctx_.get();
  // RFC 8842/8827: WebRTC peers speak DTLS 1.2; DTLS 1.0 is obsolete (RFC 8996).
  check(SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1, "min version");
  check(SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1, "max version");
  check(SSL_CTX_use_certificate(ctx, certificate_->x509()) == 1, "use certificate");
  check(SSL_CTX_use_PrivateKey(ctx, certificate_->privateKey()) == 1, "use private key");
  check(SSL_CTX_check_private_key(ctx) == 1, "key does not match certificate");
  check(SSL_CTX_set_cipher_list(ctx, kCipherList) == 1, "cipher list");
  check(SSL_CTX_set1_groups_list(ctx, kGroups) == 1, "groups");
  // Returns 0 on success (sic).
  check(SSL_CTX_set_tlsext_use_srtp(ctx, kSrtpProfiles) == 0, "use_srtp");
  // No resumption: a resumed session would skip certificate verification, and with it our
  // fingerprint check. No renegotiation: nothing in WebRTC needs it.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_QUERY_MTU);
  // Both sides must present a certificate (RFC 8827 §6.5: the server asks for the client's).
  // The certificates are self-signed, so instead of chain validation the whole verification is
  // replaced by the fingerprint comparison (RFC 8122 §5). It runs when the peer's Certificate
  // message arrives, so a mismatch aborts the handshake with an alert before any key is derived.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  SSL_CTX_set_cert_verify_callback(ctx, &DtlsTransport::onVerifyCertificate, this);

  ssl_.reset(SSL_new(ctx));
  check(ssl_ != nullptr, "SSL_new");

  // Memory BIOs: bytes in and out go through the listener, never a socket.
  BioPtr readBio(BIO_new(BIO_s_mem()));
  BioPtr writeBio(BIO_new(BIO_s_mem()));
  check(readBio && writeBio, "BIO_new");
  // An empty memory BIO must read as "try again", not EOF.
  BIO_set_mem_eof_return(readBio.get(), -1);
  BIO_set_mem_eof_return(writeBio.get(), -1);
  // Datagram boundaries. A memory BIO concatenates everything written to it, but DTLS needs
  // record boundaries to survive. OpenSSL itself decides what goes in one datagram: during the
  // handshake it stacks a buffering BIO on our write BIO, packs records up to the MTU and flushes
  // once per datagram (one BIO_write into our BIO); after the handshake each record is one
  // BIO_write. So every write into the memory BIO is exactly one datagram of at most kMtu bytes.
  // The callback records each write's size and flushWriteBio() slices the buffer accordingly.
  BIO_set_callback_ex(writeBio.get(), &DtlsTransport::onWriteBio);
  BIO_set_callback_arg(writeBio.get(), reinterpret_cast<char*>(this));
  readBio_ = readBio.get();
  writeBio_ = writeBio.get();
  SSL_set_bio(ssl_.get(), readBio.release(), writeBio.release());

  // We cannot ask a memory BIO for the path MTU (hence SSL_OP_NO_QUERY_MTU); fix it instead so
  // OpenSSL fragments handshake messages (RFC 6347 §4.2.3) to fit. Returns 0 only if too small.
  check(SSL_set_mtu(ssl_.get(), kMtu) != 0, "SSL_set_mtu");
  DTLS_set_timer_cb(ssl_.get(), &nextTimeoutUs);
}

void DtlsTransport::handleDatagram(std::span<const uint8_t> datagram) {
  if (state_ != State::Connecting && state_ != State::Connected) return;
  if (datagram.empty() || datagram.size() > INT_MAX) return;
  std::vector<uint8_t> filtered;
  if (removeShortProtectedRecords(datagram, minProtectedRecordLength(ssl_.get()), filtered)) {
    spdlog::debug("DTLS dropped protected record(s) too short to authenticate");
    if (filtered.empty()) return;
    datagram = filtered;
  }
  // One datagram at a time: OpenSSL reads the whole BIO as one datagram, so nothing may be left
  // over from an earlier one.
  (void)BIO_reset(readBio_);
  if (BIO_write(readBio_, datagram.data(), static_cast<int>(datagram.size())) !=
      static_cast<int>(datagram.size())) {
    return;
  }
  if (state_ == State::Connecting) advanceHandshake();
  // Records following the Finished in the same datagram, or a retransmitted peer flight that
  // OpenSSL answers by resending our last flight (RFC 6347 §4.2.4).
  if (state_ == State::Connected) readApplicationData();
}

void DtlsTransport::advanceHandshake() {
  ERR_clear_error();
  const int ret = SSL_do_handshake(ssl_.get());
  const int error = SSL_get_error(ssl_.get(), ret);
  flushWriteBio();
  if (ret == 1) {
    completeHandshake();
    return;
  }
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
  std::string reason = !verifyFailure_.empty() ? verifyFailure_ : "DTLS handshake failed: " + openSslErrors();
  fail(reason);
}

void DtlsTransport::completeHandshake() {
  // Checked again here because the verify callback is skipped on paths such as session
  // resumption; cheap insurance that no keys leave this class for an unverified peer.
  X509* peer = SSL_get0_peer_certificate(ssl_.get());
  if (auto error = checkPeerFingerprint(peer)) {
    fail(*error);
    return;
  }
  std::string error;
  auto keys = exportSrtpKeys(error);
  if (!keys) {
    fail(error);
    return;
  }
  state_ = State::Connected;
  spdlog::debug("DTLS connected as {} with {}", role_ == Role::Client ? "client" : "server",
                SSL_get_cipher_name(ssl_.get()));
  listener_.onDtlsConnected(*keys);
}

std::optional<std::string> DtlsTransport::checkPeerFingerprint(X509* peer) const {
  if (peer == nullptr) return "remote DTLS peer sent no certificate";
  bool anySupported = false;
  // RFC 8122 §5: the certificate is accepted if it matches one of the signalled fingerprints.
  for (const Fingerprint& expected : remoteFingerprints_) {
    auto actual = computeFingerprint(peer, expected.algorithm);
    if (!actual) continue;
    anySupported = true;
    if (fingerprintValuesEqual(*actual, expected.value)) return std::nullopt;
  }
  if (!anySupported) return "no supported algorithm among the remote DTLS fingerprints";
  return "remote DTLS certificate does not match the signalled fingerprint";
}

std::optional<SrtpKeyMaterial> DtlsTransport::exportSrtpKeys(std::string& error) const {
  auto profile = toProfile(SSL_get_selected_srtp_profile(ssl_.get()));
  if (!profile) {
    error = "no SRTP protection profile negotiated (RFC 5764 use_srtp)";
    return std::nullopt;
  }
  const size_t keyLen = srtp::keyLength(*profile);
  const size_t saltLen = srtp::saltLength(*profile);
  std::vector<uint8_t> material(2 * (keyLen + saltLen));
  if (SSL_export_keying_material(ssl_.get(), material.data(), material.size(), kExporterLabel,
                                 sizeof(kExporterLabel) - 1, nullptr, 0, 0) != 1) {
    error = "SRTP keying material export failed: " + openSslErrors();
    return std::nullopt;
  }
  // RFC 5764 §4.2: client_key | server_key | client_salt | server_salt.
  auto keyAndSalt = [&](size_t which) {
    std::vector<uint8_t> out;
    out.reserve(keyLen + saltLen);
    const auto* key = material.data() + which * keyLen;
    const auto* salt = material.data() + 2 * keyLen + which * saltLen;
    out.insert(out.end(), key, key + keyLen);
    out.insert(out.end(), salt, salt + saltLen);
    return out;
  };
  const size_t local = role_ == Role::Client ? 0 : 1;
  return SrtpKeyMaterial{*profile, keyAndSalt(local), keyAndSalt(1 - local)};
}

void DtlsTransport::readApplicationData() {
  // Largest DTLS plaintext record (RFC 6347 §4.1, 2^14).
  std::array<uint8_t, 16384> buffer;
  while (state_ == State::Connected) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), buffer.data(), static_cast<int>(buffer.size()));
    const int error = SSL_get_error(ssl_.get(), n);
    flushWriteBio();
    if (n > 0) {
      listener_.onDtlsApplicationData(std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n)));
      continue;
    }
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
    if (error == SSL_ERROR_ZERO_RETURN) {
      // RFC 5246 §7.2.1: answer close_notify with our own.
      ERR_clear_error();
      SSL_shutdown(ssl_.get());
      flushWriteBio();
      state_ = State::Closed;
      listener_.onDtlsClosed();
      return;
    }
    fail("DTLS error after handshake (SSL_get_error " + std::to_string(error) + "): " + openSslErrors());
  }
}

std::optional<std::chrono::milliseconds> DtlsTransport::timeoutIn() const {
  if (!ssl_ || (state_ != State::Connecting && state_ != State::Connected)) return std::nullopt;
  timeval remaining{};
  if (DTLSv1_get_timeout(ssl_.get(), &remaining) != 1) return std::nullopt;
  // Round up: firing early would make DTLSv1_handle_timeout a no-op and leave the timer unarmed.
  const long long us = static_cast<long long>(remaining.tv_sec) * 1'000'000 + remaining.tv_usec;
  return std::chrono::milliseconds((us + 999) / 1000);
}

void DtlsTransport::handleTimeout() {
  if (state_ != State::Connecting && state_ != State::Connected) return;
  ERR_clear_error();
  const int ret = DTLSv1_handle_timeout(ssl_.get());
  flushWriteBio();
  if (ret < 0) fail("DTLS handshake timed out: " + openSslErrors());
}

void DtlsTransport::sendApplicationData(std::span<const uint8_t> data) {
  if (state_ != State::Connected) {
    spdlog::warn("DTLS application data dropped: transport not connected");
    return;
  }
  if (data.empty() || data.size() > INT_MAX) return;
  ERR_clear_error();
  const int n = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
  flushWriteBio();
  if (n <= 0) spdlog::warn("DTLS SSL_write of {} bytes failed: {}", data.size(), openSslErrors());
}

void DtlsTransport::close() {
  if (state_ == State::Connected) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());
    flushWriteBio();
  }
  if (state_ != State::Failed) state_ = State::Closed;
}

void DtlsTransport::flushWriteBio() {
  // Copy everything out first: onDtlsSend may call back into this transport.
  std::vector<size_t> sizes;
  sizes.swap(pendingDatagramSizes_);
  std::vector<std::vector<uint8_t>> datagrams;
  for (size_t size : sizes) {
    std::vector<uint8_t> datagram(size);
    if (BIO_read(writeBio_, datagram.data(), static_cast<int>(size)) != static_cast<int>(size)) break;
    datagrams.push_back(std::move(datagram));
  }
  // Should never happen (every write is recorded); never leave bytes behind to corrupt the next datagram.
  if (size_t leftover = BIO_ctrl_pending(writeBio_); leftover > 0) {
    spdlog::warn("DTLS write BIO had {} unaccounted bytes; discarding", leftover);
    (void)BIO_reset(writeBio_);
  }
  for (const auto& datagram : datagrams) listener_.onDtlsSend(datagram);
}

void DtlsTransport::fail(const std::string& reason) {
  if (state_ == State::Failed || state_ == State::Closed) return;
  flushWriteBio();  // the fatal alert, if OpenSSL produced one
  state_ = State::Failed;
  spdlog::warn("DTLS failed: {}", reason);
  listener_.onDtlsFailed(reason);
}

int DtlsTransport::onVerifyCertificate(X509_STORE_CTX* store, void* self) {
  auto* transport = static_cast<DtlsTransport*>(self);
  if (auto error = transport->checkPeerFingerprint(X509_STORE_CTX_get0_cert(store))) {
    transport->verifyFailure_ = *error;
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  return 1;
}

long DtlsTransport::onWriteBio(BIO* bio, int oper, const char* /*argp*/, size_t /*len*/, int /*argi*/,
                               long /*argl*/, int ret, size_t* processed) {
  if (oper == (BIO_CB_WRITE | BIO_CB_RETURN) && ret > 0 && processed != nullptr && *processed > 0) {
    auto* transport = reinterpret_cast<DtlsTransport*>(BIO_get_callback_arg(bio));
    transport->pendingDatagramSizes_.push_back(*processed);
  }
  return ret;
}

}  // namespace jb::dtls
