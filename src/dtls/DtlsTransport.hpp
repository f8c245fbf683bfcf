#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dtls/Certificate.hpp"
#include "dtls/Fingerprint.hpp"
#include "dtls/OpenSslPtr.hpp"
#include "dtls/SrtpKeyMaterial.hpp"

namespace jb::dtls {

// DTLS 1.2 handshake for DTLS-SRTP (RFC 5764) on one ICE transport. It does no I/O and owns no
// timer: the owner feeds received datagrams to handleDatagram(), sends whatever the listener's
// onDtlsSend() hands it, and after every call re-arms one timer from timeoutIn() that calls
// handleTimeout(). Single-threaded; listener callbacks may call back into the transport (e.g.
// close()) but must not destroy it.
class DtlsTransport {
 public:
  enum class Role { Client, Server };
  enum class State { New, Connecting, Connected, Failed, Closed };

  class Listener {
   public:
    virtual ~Listener() = default;
    // One datagram (one or more whole DTLS records, at most kMtu bytes) for the socket.
    virtual void onDtlsSend(std::span<const uint8_t> datagram) = 0;
    virtual void onDtlsConnected(const SrtpKeyMaterial& keys) = 0;
    // Bad fingerprint, handshake error or retransmission limit reached. Terminal.
    virtual void onDtlsFailed(const std::string& reason) = 0;
    // The peer sent close_notify. Terminal.
    virtual void onDtlsClosed() = 0;
    virtual void onDtlsApplicationData(std::span<const uint8_t> /*data*/) {}
  };

  // Largest datagram we emit; leaves room for IP/UDP, TURN and ICE-TCP framing on a 1280-byte path.
  static constexpr size_t kMtu = 1200;

  DtlsTransport(std::shared_ptr<const Certificate> certificate, Listener& listener);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // Once, after the remote DTLS parameters are known (RFC 8842 a=setup decides the role).
  // Client sends its ClientHello immediately. Throws std::logic_error if already started,
  // std::invalid_argument without fingerprints, std::runtime_error if OpenSSL setup fails.
  void start(Role role, std::vector<Fingerprint> remoteFingerprints);

  // One received datagram (RFC 7983 demux: first byte 20..63). Ignored before start() or once terminal.
  void handleDatagram(std::span<const uint8_t> datagram);

  // Time until handleTimeout() is due; nullopt when no retransmission timer is pending.
  std::optional<std::chrono::milliseconds> timeoutIn() const;
  // Retransmits the last flight if its timer expired; too many retransmissions => Failed.
  void handleTimeout();

  // One DTLS record per call (the caller keeps messages below kMtu); dropped unless Connected.
  void sendApplicationData(std::span<const uint8_t> data);
  // Sends close_notify if connected; the transport is Closed afterwards (no onDtlsClosed for our own close).
  void close();

  State state() const { return state_; }
  Role role() const { return role_; }

 private:
  void createSsl();
  void advanceHandshake();
  void completeHandshake();
  void readApplicationData();
  void flushWriteBio();
  void fail(const std::string& reason);
  std::optional<std::string> checkPeerFingerprint(X509* peer) const;
  std::optional<SrtpKeyMaterial> exportSrtpKeys(std::string& error) const;

  static int onVerifyCertificate(X509_STORE_CTX* store, void* self);
  static long onWriteBio(BIO* bio, int oper, const char* argp, size_t len, int argi, long argl, int ret,
                         size_t* processed);

  std::shared_ptr<const Certificate> certificate_;
  Listener& listener_;
  Role role_ = Role::Server;
  State state_ = State::New;
  std::vector<Fingerprint> remoteFingerprints_;
  std::string verifyFailure_;
  SslCtxPtr ctx_;
  SslPtr ssl_;
  BIO* readBio_ = nullptr;   // owned by ssl_
  BIO* writeBio_ = nullptr;  // owned by ssl_
  // Sizes of the writes OpenSSL made into writeBio_ since the last flush: one datagram each.
  std::vector<size_t> pendingDatagramSizes_;
};

}  // namespace jb::dtls
