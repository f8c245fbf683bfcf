#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "DatagramBatch.hpp"
#include "dtls/DtlsTransport.hpp"
#include "ice/StunMessage.hpp"
#include "srtp/SrtpSession.hpp"

namespace jb::bench {

// The client half of a WebRTC transport, without a browser: ICE as the controlling agent (it nominates
// with USE-CANDIDATE), DTLS as client, SRTP — built from the project's own STUN, DTLS and SRTP code.
class MediaTransport final : private dtls::DtlsTransport::Listener {
 public:
  // Both times on CLOCK_REALTIME: the kernel's receive timestamp, and when this process handled it.
  using RtpHandler =
      std::function<void(const uint8_t* data, size_t length, uint64_t kernelAtNs, uint64_t handledAtNs)>;

  // What we know of the server's side of the transport, from signaling (ours) or SDP (Janus).
  struct Remote {
    std::string usernameFragment;
    std::string password;
    std::vector<dtls::Fingerprint> fingerprints;
    boost::asio::ip::udp::endpoint endpoint;
    dtls::DtlsTransport::Role localDtlsRole = dtls::DtlsTransport::Role::Client;
  };

  // `batch` is shared by every transport on `io`'s (single) thread and must outlive them.
  MediaTransport(boost::asio::io_context& io, std::shared_ptr<const dtls::Certificate> certificate,
                 const boost::asio::ip::address& bindAddress, DatagramBatch& batch);
  ~MediaTransport() override;

  // Starts ICE (we are the controlling agent: both servers are ICE-lite) and DTLS.
  void start(Remote remote, std::function<void(bool ok)> onConnected);
  const std::string& localUsernameFragment() const { return localUfrag_; }
  const std::string& localPassword() const { return localPassword_; }
  boost::asio::ip::udp::endpoint localEndpoint() const { return socket_.local_endpoint(); }
  // The dtlsParameters to send in connectWebRtcTransport.
  nlohmann::json localDtlsParameters() const;

  void sendRtp(std::vector<uint8_t>& packet);  // plaintext in, encrypted in place and sent
  void onRtp(RtpHandler handler) { rtpHandler_ = std::move(handler); }
  bool connected() const { return srtpOut_ != nullptr; }
  // Datagrams the kernel dropped on this socket because its buffer was full (SO_RXQ_OVFL), as of the
  // last datagram read: loss the generator caused, not the SFU.
  uint32_t socketDrops() const { return socketDrops_; }
  void close();

 private:
  void sendBindingRequest();
  void answerBindingRequest(const ice::StunMessage& request, const boost::asio::ip::udp::endpoint& from);
  void receive();
  void drainSocket();
  void handleDatagram(const ReceivedDatagram& datagram, uint64_t handledAtNs);
  void armDtlsTimer();
  void onDtlsSend(std::span<const uint8_t> datagram) override;
  void onDtlsConnected(const dtls::SrtpKeyMaterial& keys) override;
  void onDtlsFailed(const std::string& reason) override;
  void onDtlsClosed() override {}

  boost::asio::io_context& io_;
  std::shared_ptr<const dtls::Certificate> certificate_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::ip::udp::endpoint server_;
  DatagramBatch& batch_;
  boost::asio::steady_timer iceTimer_;
  boost::asio::steady_timer dtlsTimer_;
  std::string remoteUfrag_, remotePassword_, localUfrag_, localPassword_;
  std::vector<dtls::Fingerprint> remoteFingerprints_;
  dtls::DtlsTransport::Role localDtlsRole_ = dtls::DtlsTransport::Role::Client;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<srtp::SrtpSession> srtpIn_, srtpOut_;
  std::function<void(bool)> onConnected_;
  RtpHandler rtpHandler_;
  uint32_t socketDrops_ = 0;
  bool iceConnected_ = false;
  bool closed_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jb::bench
