#include "sfu/WebRtcTransport.hpp"

#include <spdlog/spdlog.h>

#include "common/Random.hpp"
#include "common/RequestError.hpp"
#include "rtp/Demux.hpp"
#include "rtp/RtpPacket.hpp"

namespace jb::sfu {

using common::RequestError;
using nlohmann::json;

namespace {
// RFC 8445 §5.1.2.1 priority for a host candidate: type preference 126 (host), one component.
constexpr uint32_t kHostPriority = (126u << 24) | (65535u << 8) | (256u - 1u);
constexpr size_t kRtcpBufferSize = 1500 + 256;
}  // namespace

WebRtcTransport::WebRtcTransport(std::string id, std::string peerId, TransportHost& host)
    : id_(std::move(id)),
      peerId_(std::move(peerId)),
      host_(host),
      // RFC 8445 §5.3: ufrag >= 24 bits, password >= 128 bits of randomness.
      ice_(common::randomToken(16), common::randomToken(32)),
      dtlsTimer_(host.ioContext()),
      rtcpBuffer_(kRtcpBufferSize) {
  host_.registerUsernameFragment(ice_.usernameFragment(), *this);
}

WebRtcTransport::~WebRtcTransport() {
  *alive_ = false;
  dtlsTimer_.cancel();
  if (dtls_ && dtls_->state() == dtls::DtlsTransport::State::Connected) dtls_->close();
  host_.unregisterTransport(*this);
}

json WebRtcTransport::localParameters() const {
  return {
      {"id", id_},
      {"iceParameters",
       {{"usernameFragment", ice_.usernameFragment()}, {"password", ice_.password()}, {"iceLite", true}}},
      {"iceCandidates", json::array({{{"foundation", "udpcandidate"},
                                      {"priority", kHostPriority},
                                      {"address", host_.announcedAddress()},
                                      {"ip", host_.announcedAddress()},
                                      {"port", host_.port()},
                                      {"protocol", "udp"},
                                      {"type", "host"}}})},
      {"dtlsParameters",
       {{"role", "auto"},
        {"fingerprints",
         json::array({{{"algorithm", "sha-256"}, {"value", host_.certificate()->fingerprintSha256()}}})}}}};
}

void WebRtcTransport::connect(const json& remote) {
  if (dtls_) throw RequestError("invalid_request", "transport already connected");
  if (!remote.is_object()) throw RequestError("invalid_request", "dtlsParameters: expected object");
  auto fps = remote.find("fingerprints");
  if (fps == remote.end() || !fps->is_array() || fps->empty())
    throw RequestError("invalid_request", "dtlsParameters.fingerprints: expected non-empty array");
  std::vector<dtls::Fingerprint> fingerprints;
  for (const json& fp : *fps) {
    if (!fp.is_object() || !fp.contains("algorithm") || !fp["algorithm"].is_string() ||
        !fp.contains("value") || !fp["value"].is_string())
      throw RequestError("invalid_request", "dtlsParameters.fingerprints: expected {algorithm, value}");
    fingerprints.push_back({fp["algorithm"].get<std::string>(), fp["value"].get<std::string>()});
  }
  std::string remoteRole = remote.value("role", std::string("auto"));
  if (remoteRole != "client" && remoteRole != "server" && remoteRole != "auto")
    throw RequestError("invalid_request", "dtlsParameters.role: expected client|server|auto");
  // RFC 5763 §5: the answerer's role decides. mediasoup-client's browser side is normally the client.
  auto role = remoteRole == "server" ? dtls::DtlsTransport::Role::Client : dtls::DtlsTransport::Role::Server;
  dtls_ = std::make_unique<dtls::DtlsTransport>(host_.certificate(),
                                                static_cast<dtls::DtlsTransport::Listener&>(*this));
  dtls_->start(role, std::move(fingerprints));
  armDtlsTimer();
}

Producer& WebRtcTransport::addProducer(std::unique_ptr<Producer> producer) {
  if (producersBySsrc_.contains(producer->mediaSsrc()))
    throw RequestError("invalid_request", "ssrc already used by another producer on this transport");
  Producer& ref = *producer;
  producersBySsrc_[ref.mediaSsrc()] = &ref;
  producers_[ref.id()] = std::move(producer);
  return ref;
}

std::unique_ptr<Producer> WebRtcTransport::removeProducer(const std::string& producerId) {
  auto it = producers_.find(producerId);
  if (it == producers_.end()) return nullptr;
  auto producer = std::move(it->second);
  producers_.erase(it);
  producersBySsrc_.erase(producer->mediaSsrc());
  return producer;
}

Consumer& WebRtcTransport::addConsumer(std::unique_ptr<Consumer> consumer) {
  Consumer& ref = *consumer;
  consumersBySsrc_[ref.ssrc()] = &ref;
  consumers_[ref.id()] = std::move(consumer);
  return ref;
}

std::unique_ptr<Consumer> WebRtcTransport::removeConsumer(const std::string& consumerId) {
  auto it = consumers_.find(consumerId);
  if (it == consumers_.end()) return nullptr;
  auto consumer = std::move(it->second);
  consumers_.erase(it);
  consumersBySsrc_.erase(consumer->ssrc());
  return consumer;
}

void WebRtcTransport::receiveStun(const ice::StunMessage& message, const Endpoint& from) {
  auto outcome = ice_.handleRequest(message, from, ice::IceLiteServer::Clock::now());
  if (!outcome.response.empty()) host_.sendDatagram(from, outcome.response);
  if (!outcome.authenticated) {
    ++dropped_;
    return;
  }
  // Only authenticated tuples may carry DTLS and SRTP to us (a spoofed source gets nowhere).
  host_.registerTuple(from, *this);
  if (outcome.selectedTupleChanged)
    spdlog::debug("[transport {}] selected tuple {}:{}", id_, from.address().to_string(), from.port());
}

void WebRtcTransport::receiveDtls(std::span<const uint8_t> datagram, const Endpoint&) {
  if (!dtls_) {
    ++dropped_;  // DTLS before connectWebRtcTransport: the browser retransmits its ClientHello
    return;
  }
  dtls_->handleDatagram(datagram);
  armDtlsTimer();
}

void WebRtcTransport::receiveSrtp(uint8_t* data, size_t length, const Endpoint&) {
  if (!srtpIn_) {
    ++dropped_;
    return;
  }
  std::span<const uint8_t> view(data, length);
  if (rtp::looksLikeRtcp(view)) {
    auto plain = srtpIn_->unprotectRtcp(data, length);
    if (!plain) {
      ++dropped_;
      return;
    }
    handleRtcp({data, *plain});
    return;
  }
  auto plain = srtpIn_->unprotectRtp(data, length);
  if (!plain) {
    ++dropped_;
    return;
  }
  auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(data, *plain));
  if (!packet) {
    ++dropped_;
    return;
  }
  auto it = producersBySsrc_.find(packet->ssrc());
  if (it == producersBySsrc_.end()) {
    ++dropped_;  // e.g. RTX or media that arrives before `produce` has been answered
    return;
  }
  it->second->receiveRtp(*packet);
}

void WebRtcTransport::handleRtcp(std::span<const uint8_t> bytes) {
  auto packets = rtp::rtcp::parseCompound(bytes);
  if (!packets) {
    ++dropped_;
    return;
  }
  for (const auto& packet : *packets) {
    if (const auto* sr = std::get_if<rtp::rtcp::SenderReport>(&packet)) {
      if (auto it = producersBySsrc_.find(sr->ssrc); it != producersBySsrc_.end())
        it->second->receiveSenderReport(*sr);
    } else if (const auto* pli = std::get_if<rtp::rtcp::Pli>(&packet)) {
      if (auto it = consumersBySsrc_.find(pli->mediaSsrc); it != consumersBySsrc_.end())
        it->second->receiveKeyframeRequest();
    } else if (const auto* fir = std::get_if<rtp::rtcp::Fir>(&packet)) {
      for (const auto& entry : fir->entries)
        if (auto it = consumersBySsrc_.find(entry.ssrc); it != consumersBySsrc_.end())
          it->second->receiveKeyframeRequest();
    }
    // RR, SDES, BYE, NACK, REMB and transport-cc are read but not acted on yet.
  }
}

void WebRtcTransport::onTick(std::chrono::steady_clock::time_point now) {
  if (ice_.checkConsent(now))
    spdlog::info(
        "[transport {}] ICE consent expired (peer {}): no checks for {} s", id_, peerId_,
        std::chrono::duration_cast<std::chrono::seconds>(ice::IceLiteServer::kConsentTimeout).count());
}

void WebRtcTransport::sendRtp(uint8_t* buffer, size_t length, size_t capacity) {
  const auto& tuple = ice_.selectedTuple();
  if (!srtpOut_ || !tuple || ice_.state() != ice::IceLiteServer::State::Connected) return;
  auto protectedLength = srtpOut_->protectRtp(buffer, length, capacity);
  if (!protectedLength) {
    ++dropped_;
    return;
  }
  host_.sendDatagram(*tuple, {buffer, *protectedLength});
}

void WebRtcTransport::sendRtcp(std::span<const uint8_t> packet) {
  const auto& tuple = ice_.selectedTuple();
  if (!srtpOut_ || !tuple || packet.size() + srtp::SrtpSession::kMaxTrailer > rtcpBuffer_.size()) return;
  std::copy(packet.begin(), packet.end(), rtcpBuffer_.begin());
  auto protectedLength = srtpOut_->protectRtcp(rtcpBuffer_.data(), packet.size(), rtcpBuffer_.size());
  if (!protectedLength) {
    ++dropped_;
    return;
  }
  host_.sendDatagram(*tuple, {rtcpBuffer_.data(), *protectedLength});
}

void WebRtcTransport::onDtlsSend(std::span<const uint8_t> datagram) {
  if (const auto& tuple = ice_.selectedTuple()) host_.sendDatagram(*tuple, datagram);
}

void WebRtcTransport::onDtlsConnected(const dtls::SrtpKeyMaterial& keys) {
  try {
    srtpIn_ = std::make_unique<srtp::SrtpSession>(keys.profile, srtp::SrtpSession::Direction::Inbound,
                                                  keys.remoteMasterKeyAndSalt);
    srtpOut_ = std::make_unique<srtp::SrtpSession>(keys.profile, srtp::SrtpSession::Direction::Outbound,
                                                   keys.localMasterKeyAndSalt);
  } catch (const std::exception& e) {
    spdlog::error("[transport {}] SRTP setup failed: {}", id_, e.what());
    srtpIn_.reset();
    srtpOut_.reset();
    return;
  }
  spdlog::debug("[transport {}] DTLS connected (peer {})", id_, peerId_);
  // Consumers resumed before the handshake finished may have let their keyframe go by unsent.
  for (auto& [id, consumer] : consumers_) consumer->restartFromKeyframe();
}

void WebRtcTransport::onDtlsFailed(const std::string& reason) {
  spdlog::warn("[transport {}] DTLS failed (peer {}): {}", id_, peerId_, reason);
  srtpIn_.reset();
  srtpOut_.reset();
}

void WebRtcTransport::onDtlsClosed() {
  spdlog::debug("[transport {}] DTLS closed by peer", id_);
  srtpIn_.reset();
  srtpOut_.reset();
}

void WebRtcTransport::armDtlsTimer() {
  if (!dtls_) return;
  auto timeout = dtls_->timeoutIn();
  if (!timeout) return;
  dtlsTimer_.expires_after(*timeout);
  dtlsTimer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    auto guard = alive.lock();
    if (ec || !guard || !*guard || !dtls_) return;
    dtls_->handleTimeout();
    armDtlsTimer();
  });
}

}  // namespace jb::sfu
