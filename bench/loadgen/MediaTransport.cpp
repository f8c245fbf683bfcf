#include "MediaTransport.hpp"

#include <spdlog/spdlog.h>

#include "common/Random.hpp"
#include "ice/StunMessage.hpp"

namespace jb::bench {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using nlohmann::json;

MediaTransport::MediaTransport(asio::io_context& io, std::shared_ptr<const dtls::Certificate> certificate,
                               const asio::ip::address& bindAddress)
    : io_(io), certificate_(std::move(certificate)), socket_(io), iceTimer_(io), dtlsTimer_(io) {
  socket_.open(bindAddress.is_v4() ? udp::v4() : udp::v6());
  socket_.bind(udp::endpoint(bindAddress, 0));
  socket_.set_option(asio::socket_base::receive_buffer_size(2 * 1024 * 1024));
  localUfrag_ = common::randomToken(8);
  localPassword_ = common::randomToken(24);
}

MediaTransport::~MediaTransport() {
  close();
}

void MediaTransport::close() {
  if (closed_) return;
  closed_ = true;
  *alive_ = false;
  iceTimer_.cancel();
  dtlsTimer_.cancel();
  boost::system::error_code ec;
  socket_.close(ec);
}

json MediaTransport::localDtlsParameters() const {
  return {{"role", "client"},
          {"fingerprints",
           json::array({{{"algorithm", "sha-256"}, {"value", certificate_->fingerprintSha256()}}})}};
}

void MediaTransport::start(Remote remote, std::function<void(bool)> onConnected) {
  onConnected_ = std::move(onConnected);
  remoteUfrag_ = std::move(remote.usernameFragment);
  remotePassword_ = std::move(remote.password);
  remoteFingerprints_ = std::move(remote.fingerprints);
  server_ = remote.endpoint;
  localDtlsRole_ = remote.localDtlsRole;
  receive();
  if (localDtlsRole_ == dtls::DtlsTransport::Role::Server) {
    // As DTLS server we wait for the peer's ClientHello, which may arrive as soon as our first check does.
    dtls_ = std::make_unique<dtls::DtlsTransport>(certificate_,
                                                  static_cast<dtls::DtlsTransport::Listener&>(*this));
    dtls_->start(dtls::DtlsTransport::Role::Server, remoteFingerprints_);
  }
  sendBindingRequest();
}

void MediaTransport::sendBindingRequest() {
  if (closed_) return;
  ice::TransactionId tid{};
  for (auto& b : tid) b = static_cast<uint8_t>(common::randomUint32());
  auto request = ice::StunMessage::makeRequest(ice::StunMessage::kBinding, tid);
  request.setUsername(remoteUfrag_ + ":" + localUfrag_);
  request.setPriority(0x6e001eff);
  request.setIceControlling(common::randomUint32());
  request.setUseCandidate(true);
  auto bytes = request.serialize(remotePassword_, true);
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes), server_, 0, ec);
  // Retransmit until answered, then keep consent fresh (RFC 7675 suggests ~5 s).
  iceTimer_.expires_after(iceConnected_ ? std::chrono::seconds(5) : std::chrono::milliseconds(200));
  iceTimer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code e) {
    if (!e && alive.lock() && *alive.lock()) sendBindingRequest();
  });
}

void MediaTransport::receive() {
  socket_.async_receive_from(
      asio::buffer(buffer_), from_,
      [this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec, size_t n) {
        auto guard = alive.lock();
        if (ec || !guard || !*guard) return;
        handleDatagram(buffer_.data(), n);
        receive();
      });
}

void MediaTransport::handleDatagram(uint8_t* data, size_t length) {
  if (length == 0) return;
  const uint8_t first = data[0];
  if (first <= 3) {
    auto message = ice::StunMessage::parse({data, length});
    spdlog::debug("[loadgen] STUN {} bytes from {}:{} class {}", length, from_.address().to_string(),
                  from_.port(), message ? static_cast<int>(message->messageClass()) : -1);
    if (!message) return;
    if (message->messageClass() == ice::StunMessage::Class::Request) {
      answerBindingRequest(*message);
      return;
    }
    if (message->messageClass() == ice::StunMessage::Class::ErrorResponse)
      spdlog::debug("[loadgen] binding error {} {}", message->errorCode().value_or(0),
                    message->errorReason());
    if (message->messageClass() != ice::StunMessage::Class::SuccessResponse) return;
    if (message->checkMessageIntegrity(remotePassword_) != ice::StunMessage::IntegrityResult::Ok) {
      spdlog::debug("[loadgen] binding response failed MESSAGE-INTEGRITY (key {})", remotePassword_);
      return;
    }
    if (!iceConnected_) {
      iceConnected_ = true;
      if (!dtls_) {  // client role: our ClientHello goes once the path is proven
        dtls_ = std::make_unique<dtls::DtlsTransport>(certificate_,
                                                      static_cast<dtls::DtlsTransport::Listener&>(*this));
        dtls_->start(dtls::DtlsTransport::Role::Client, remoteFingerprints_);
      }
      armDtlsTimer();
    }
  } else if (first >= 20 && first <= 63) {
    if (dtls_) {
      dtls_->handleDatagram({data, length});
      armDtlsTimer();
    }
  } else if (first >= 128 && first <= 191 && srtpIn_) {
    // RFC 5761 §4: RTCP packet types 192..223 (we only count RTP here).
    if (length > 1 && data[1] >= 192 && data[1] <= 223) return;
    auto plain = srtpIn_->unprotectRtp(data, length);
    if (plain && rtpHandler_) rtpHandler_(data, *plain);
  }
}

void MediaTransport::answerBindingRequest(const ice::StunMessage& request) {
  // A full agent also answers its peer's checks (RFC 8445 §7.3); libnice, even in lite mode (Janus),
  // waits for its own check to succeed before it starts DTLS.
  if (request.checkMessageIntegrity(localPassword_) != ice::StunMessage::IntegrityResult::Ok) return;
  auto response = ice::StunMessage::makeSuccessResponse(request);
  response.setXorMappedAddress(from_);
  auto bytes = response.serialize(localPassword_, true);
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes), from_, 0, ec);
}

void MediaTransport::sendRtp(std::vector<uint8_t>& packet) {
  if (!srtpOut_) return;
  size_t length = packet.size();
  packet.resize(length + srtp::SrtpSession::kMaxTrailer);
  auto protectedLength = srtpOut_->protectRtp(packet.data(), length, packet.size());
  if (!protectedLength) return;
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(packet.data(), *protectedLength), server_, 0, ec);
}

void MediaTransport::armDtlsTimer() {
  if (!dtls_) return;
  auto timeout = dtls_->timeoutIn();
  if (!timeout) return;
  dtlsTimer_.expires_after(*timeout);
  dtlsTimer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
    auto guard = alive.lock();
    if (ec || !guard || !*guard) return;
    dtls_->handleTimeout();
    armDtlsTimer();
  });
}

void MediaTransport::onDtlsSend(std::span<const uint8_t> datagram) {
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(datagram.data(), datagram.size()), server_, 0, ec);
}

void MediaTransport::onDtlsConnected(const dtls::SrtpKeyMaterial& keys) {
  srtpIn_ = std::make_unique<srtp::SrtpSession>(keys.profile, srtp::SrtpSession::Direction::Inbound,
                                                keys.remoteMasterKeyAndSalt);
  srtpOut_ = std::make_unique<srtp::SrtpSession>(keys.profile, srtp::SrtpSession::Direction::Outbound,
                                                 keys.localMasterKeyAndSalt);
  if (onConnected_) asio::post(io_, [cb = onConnected_] { cb(true); });
}

void MediaTransport::onDtlsFailed(const std::string& reason) {
  spdlog::error("[loadgen] DTLS failed: {}", reason);
  if (onConnected_) asio::post(io_, [cb = onConnected_] { cb(false); });
}

}  // namespace jb::bench
