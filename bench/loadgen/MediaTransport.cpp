#include "MediaTransport.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "RealtimeClock.hpp"
#include "common/Random.hpp"
#include "ice/StunMessage.hpp"

namespace jb::bench {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using nlohmann::json;

namespace {
// A subscriber socket gets little traffic of its own, but when the generator falls behind every socket
// queues at once; a larger buffer turns a short stall into lag (which we report) instead of loss.
// SO_RCVBUFFORCE passes net.core.rmem_max when we are root; otherwise the 2 MiB ask is capped by it.
constexpr int kReceiveBufferBytes = 4 * 1024 * 1024;
constexpr int kFallbackReceiveBufferBytes = 2 * 1024 * 1024;
}  // namespace

MediaTransport::MediaTransport(asio::io_context& io, std::shared_ptr<const dtls::Certificate> certificate,
                               const asio::ip::address& bindAddress, DatagramBatch& batch)
    : io_(io),
      certificate_(std::move(certificate)),
      socket_(io),
      batch_(batch),
      iceTimer_(io),
      dtlsTimer_(io) {
  socket_.open(bindAddress.is_v4() ? udp::v4() : udp::v6());
  socket_.bind(udp::endpoint(bindAddress, 0));
  const int fd = socket_.native_handle();
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &kReceiveBufferBytes, sizeof kReceiveBufferBytes) != 0)
    socket_.set_option(asio::socket_base::receive_buffer_size(kFallbackReceiveBufferBytes));
  DatagramBatch::enableAncillaryData(fd);
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
  // Readiness, then recvmmsg: one system call per up to 32 datagrams instead of one each, and each comes
  // with its kernel timestamp (asio's receive_from cannot return ancillary data).
  socket_.async_wait(udp::socket::wait_read,
                     [this, alive = std::weak_ptr<bool>(alive_)](boost::system::error_code ec) {
                       auto guard = alive.lock();
                       if (ec || !guard || !*guard) return;
                       drainSocket();
                       if (*guard) receive();
                     });
}

void MediaTransport::drainSocket() {
  for (;;) {
    const size_t count = batch_.receive(socket_.native_handle(), realtimeNowNs());
    if (auto drops = batch_.socketDrops()) socketDrops_ = *drops;
    for (size_t i = 0; i < count && !closed_; ++i) handleDatagram(batch_[i], realtimeNowNs());
    // A short batch means the queue is empty: skip the recvmmsg that would only return EAGAIN. Nothing is
    // missed: the io_context has one thread, so a datagram arriving now is reported to the wait that
    // receive() queues next.
    if (count < DatagramBatch::kCapacity || closed_) return;
  }
}

void MediaTransport::handleDatagram(const ReceivedDatagram& datagram, uint64_t handledAtNs) {
  uint8_t* data = datagram.data;
  const size_t length = datagram.length;
  if (length == 0) return;
  const uint8_t first = data[0];
  if (first <= 3) {
    const udp::endpoint from = datagram.sourceEndpoint();
    auto message = ice::StunMessage::parse({data, length});
    spdlog::debug("[loadgen] STUN {} bytes from {}:{} class {}", length, from.address().to_string(),
                  from.port(), message ? static_cast<int>(message->messageClass()) : -1);
    if (!message) return;
    if (message->messageClass() == ice::StunMessage::Class::Request) {
      answerBindingRequest(*message, from);
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
    if (plain && rtpHandler_) rtpHandler_(data, *plain, datagram.kernelTimeNs, handledAtNs);
  }
}

void MediaTransport::answerBindingRequest(const ice::StunMessage& request, const udp::endpoint& from) {
  // A full agent also answers its peer's checks (RFC 8445 §7.3); libnice, even in lite mode (Janus),
  // waits for its own check to succeed before it starts DTLS.
  if (request.checkMessageIntegrity(localPassword_) != ice::StunMessage::IntegrityResult::Ok) return;
  auto response = ice::StunMessage::makeSuccessResponse(request);
  response.setXorMappedAddress(from);
  auto bytes = response.serialize(localPassword_, true);
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes), from, 0, ec);
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
