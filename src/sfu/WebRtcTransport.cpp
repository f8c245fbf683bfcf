#include "sfu/WebRtcTransport.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/Random.hpp"
#include "common/RequestError.hpp"
#include "rtp/Demux.hpp"
#include "rtp/RtpPacket.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::sfu {

using common::RequestError;
using nlohmann::json;

namespace {
// Our sender SSRC in RTCP we originate; the SFU sends no media of its own on a producing transport.
constexpr uint32_t kReceiverReportSsrc = 0x00000001u;
// RFC 8445 §5.1.2.1 priority for a host candidate: type preference 126 (host), one component.
constexpr uint32_t kHostPriority = (126u << 24) | (65535u << 8) | (256u - 1u);
// RFC 6544 §4.2: TCP candidates get a lower local preference than UDP, so a browser that can use both
// prefers UDP (head-of-line blocking makes TCP a fallback). Passive is the only TCP type we offer.
constexpr uint32_t kTcpPassiveHostPriority = (126u << 24) | (32767u << 8) | (256u - 1u);
constexpr size_t kRtcpBufferSize = 1500 + 256;
}  // namespace

WebRtcTransport::WebRtcTransport(std::string id, std::string roomId, std::string peerId, TransportHost& host)
    : id_(std::move(id)),
      peerId_(std::move(peerId)),
      logContext_("room=" + roomId + " peer=" + peerId_ + " transport=" + id_),
      host_(host),
      counters_(host.counters()),
      // RFC 8445 §5.3: ufrag >= 24 bits, password >= 128 bits of randomness.
      ice_(common::randomToken(16), common::randomToken(32), host.iceConsentTimeout()),
      dtlsTimer_(host.ioContext()),
      rtcpBuffer_(kRtcpBufferSize),
      congestionFeedback_(host.ioContext(), *this, host.counters()) {
  host_.registerUsernameFragment(ice_.usernameFragment(), *this);
  bump(counters_.transports);
}

WebRtcTransport::~WebRtcTransport() {
  *alive_ = false;
  dtlsTimer_.cancel();
  if (dtls_ && dtls_->state() == dtls::DtlsTransport::State::Connected) dtls_->close();
  host_.unregisterTransport(*this);
  bump(counters_.transports, -1);
  bump(counters_.producers, -static_cast<int64_t>(producers_.size()));
  bump(counters_.consumers, -static_cast<int64_t>(consumers_.size()));
}

void WebRtcTransport::drop(DropReason reason) {
  ++dropped_;
  countDrop(counters_, reason);
}

json WebRtcTransport::iceParameters() const {
  return {{"usernameFragment", ice_.usernameFragment()}, {"password", ice_.password()}, {"iceLite", true}};
}

json WebRtcTransport::localParameters() const {
  json candidates = json::array();
  if (auto port = host_.udpCandidatePort())
    candidates.push_back({{"foundation", "udpcandidate"},
                          {"priority", kHostPriority},
                          {"address", host_.announcedAddress()},
                          {"ip", host_.announcedAddress()},
                          {"port", *port},
                          {"protocol", "udp"},
                          {"type", "host"}});
  // RFC 6544 §4.5: we only accept connections, so the browser connects to us (its "active" side).
  if (auto port = host_.tcpCandidatePort())
    candidates.push_back({{"foundation", "tcpcandidate"},
                          {"priority", kTcpPassiveHostPriority},
                          {"address", host_.announcedAddress()},
                          {"ip", host_.announcedAddress()},
                          {"port", *port},
                          {"protocol", "tcp"},
                          {"tcpType", "passive"},
                          {"type", "host"}});
  return {
      {"id", id_},
      {"iceParameters", iceParameters()},
      {"iceCandidates", std::move(candidates)},
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
  if (remote.contains("role") && !remote["role"].is_string())
    throw RequestError("invalid_request", "dtlsParameters.role: expected string");
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
  auto used = [this](uint32_t ssrc) {
    return producersBySsrc_.contains(ssrc) || producersByRtxSsrc_.contains(ssrc);
  };
  // Every SSRC declared up front (a rid-based simulcast producer declares none; it learns them later).
  std::vector<uint32_t> ssrcs = producer->mediaSsrcs();
  const std::vector<uint32_t> rtxSsrcs = producer->rtxSsrcs();
  if (std::any_of(ssrcs.begin(), ssrcs.end(), used) || std::any_of(rtxSsrcs.begin(), rtxSsrcs.end(), used))
    throw RequestError("invalid_request", "ssrc already used by another producer on this transport");
  Producer& ref = *producer;
  // BUNDLE (RFC 8843 §9.1) gives an extension one id across the transport: any producer's will do.
  congestionFeedback_.setExtensionId(ref.transportWideCcExtensionId());
  for (uint32_t ssrc : ssrcs) producersBySsrc_[ssrc] = &ref;
  for (uint32_t ssrc : rtxSsrcs) producersByRtxSsrc_[ssrc] = &ref;
  producers_[ref.id()] = std::move(producer);
  bump(counters_.producers);
  return ref;
}

std::unique_ptr<Producer> WebRtcTransport::removeProducer(const std::string& producerId) {
  auto it = producers_.find(producerId);
  if (it == producers_.end()) return nullptr;
  auto producer = std::move(it->second);
  producers_.erase(it);
  // Declared and learned SSRCs alike.
  std::erase_if(producersBySsrc_, [&](const auto& entry) { return entry.second == producer.get(); });
  std::erase_if(producersByRtxSsrc_, [&](const auto& entry) { return entry.second == producer.get(); });
  bump(counters_.producers, -1);
  return producer;
}

Consumer& WebRtcTransport::addConsumer(std::unique_ptr<Consumer> consumer) {
  Consumer& ref = *consumer;
  consumersBySsrc_[ref.ssrc()] = &ref;
  consumers_[ref.id()] = std::move(consumer);
  bump(counters_.consumers);
  return ref;
}

std::unique_ptr<Consumer> WebRtcTransport::removeConsumer(const std::string& consumerId) {
  auto it = consumers_.find(consumerId);
  if (it == consumers_.end()) return nullptr;
  auto consumer = std::move(it->second);
  consumers_.erase(it);
  consumersBySsrc_.erase(consumer->ssrc());
  bump(counters_.consumers, -1);
  return consumer;
}

json WebRtcTransport::restartIce() {
  // RFC 8445 §5.3: ufrag >= 24 bits, password >= 128 bits of randomness, fresh for the restart.
  std::string ufrag = common::randomToken(16);
  std::string password = common::randomToken(32);
  host_.registerUsernameFragment(ufrag, *this);
  if (auto dropped = ice_.restart(std::move(ufrag), std::move(password), ice::IceLiteServer::Clock::now()))
    host_.unregisterUsernameFragment(*dropped, *this);
  bump(counters_.iceRestarts);
  spdlog::info("[media] {} ice restart", logContext_);
  return iceParameters();
}

void WebRtcTransport::receiveStun(const ice::StunMessage& message, const Tuple& from) {
  auto outcome = ice_.handleRequest(message, from, ice::IceLiteServer::Clock::now());
  if (!outcome.response.empty()) host_.sendDatagram(from, outcome.response);
  if (!outcome.authenticated) {
    drop(DropReason::StunUnauthorized);
    return;
  }
  // Only authenticated tuples may carry DTLS and SRTP to us (a spoofed source gets nowhere).
  host_.registerTuple(from, *this);
  if (outcome.retiredUsernameFragment) {
    host_.unregisterUsernameFragment(*outcome.retiredUsernameFragment, *this);
    bump(counters_.iceRestartsCompleted);
    spdlog::info("[media] {} ice restart completed on {}", logContext_, from.describe());
  }
  // Once per path change, not per packet: says which protocol and address each peer's media uses.
  if (outcome.selectedTupleChanged)
    spdlog::info("[media] {} ice selected tuple {}", logContext_, from.describe());
}

void WebRtcTransport::tupleClosed(const Tuple& tuple) {
  if (ice_.forgetTuple(tuple))
    spdlog::info("[media] {} selected tuple {} closed; waiting for the browser to nominate another",
                 logContext_, tuple.describe());
}

void WebRtcTransport::receiveDtls(std::span<const uint8_t> datagram, const Tuple&) {
  if (!dtls_) {
    drop(DropReason::DtlsNotStarted);  // the browser retransmits its ClientHello
    return;
  }
  dtls_->handleDatagram(datagram);
  armDtlsTimer();
}

void WebRtcTransport::receiveSrtp(uint8_t* data, size_t length, const Tuple&) {
  if (!srtpIn_) {
    drop(DropReason::NotConnected);
    return;
  }
  std::span<const uint8_t> view(data, length);
  if (rtp::looksLikeRtcp(view)) {
    auto plain = srtpIn_->unprotectRtcp(data, length);
    if (!plain) {
      drop(DropReason::SrtpFailure);
      return;
    }
    bump(counters_.rtcpPacketsIn);
    bump(counters_.rtcpBytesIn, length);
    handleRtcp({data, *plain});
    return;
  }
  auto plain = srtpIn_->unprotectRtp(data, length);
  if (!plain) {
    drop(DropReason::SrtpFailure);
    return;
  }
  bump(counters_.rtpPacketsIn);
  bump(counters_.rtpBytesIn, length);
  auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(data, *plain));
  if (!packet) {
    drop(DropReason::BadRtp);
    return;
  }
  // Every packet that arrived counts for the sender's bandwidth estimate (transport-wide cc), RTX
  // padding probes and not-yet-known streams included.
  congestionFeedback_.received(*packet, std::chrono::steady_clock::now());
  if (auto it = producersBySsrc_.find(packet->ssrc()); it != producersBySsrc_.end()) {
    it->second->receiveRtp(*packet);
    return;
  }
  if (auto it = producersByRtxSsrc_.find(packet->ssrc()); it != producersByRtxSsrc_.end()) {
    if (auto dropped = it->second->receiveRtx(*packet)) drop(*dropped);
    return;
  }
  // A simulcast stream declared by rid (RFC 8851) shows its SSRC here first, tagged with the rid.
  for (const auto& [id, producer] : producers_) {
    switch (producer->claim(*packet)) {
      case Producer::Claim::NotMine:
        continue;
      case Producer::Claim::Media:
        producersBySsrc_[packet->ssrc()] = producer.get();
        producer->receiveRtp(*packet);
        return;
      case Producer::Claim::Rtx:
        producersByRtxSsrc_[packet->ssrc()] = producer.get();
        if (auto dropped = producer->receiveRtx(*packet)) drop(*dropped);
        return;
      case Producer::Claim::UndeclaredRid:
        drop(DropReason::UndeclaredRid);
        return;
    }
  }
  drop(DropReason::UnknownSsrc);  // e.g. media that arrives before `produce` has been answered
}

void WebRtcTransport::handleRtcp(std::span<const uint8_t> bytes) {
  auto packets = rtp::rtcp::parseCompound(bytes);
  if (!packets) {
    drop(DropReason::BadRtcp);
    return;
  }
  for (const auto& packet : *packets) {
    if (const auto* sr = std::get_if<rtp::rtcp::SenderReport>(&packet)) {
      if (auto it = producersBySsrc_.find(sr->ssrc); it != producersBySsrc_.end())
        it->second->receiveSenderReport(*sr);
    } else if (const auto* pli = std::get_if<rtp::rtcp::Pli>(&packet)) {
      bump(counters_.plisReceived);
      if (auto it = consumersBySsrc_.find(pli->mediaSsrc); it != consumersBySsrc_.end())
        it->second->receiveKeyframeRequest();
    } else if (const auto* fir = std::get_if<rtp::rtcp::Fir>(&packet)) {
      bump(counters_.firsReceived);
      for (const auto& entry : fir->entries)
        if (auto it = consumersBySsrc_.find(entry.ssrc); it != consumersBySsrc_.end())
          it->second->receiveKeyframeRequest();
    } else if (const auto* nack = std::get_if<rtp::rtcp::Nack>(&packet)) {
      bump(counters_.nacksReceived);
      if (auto it = consumersBySsrc_.find(nack->mediaSsrc); it != consumersBySsrc_.end())
        it->second->receiveNack(*nack, Consumer::Clock::now());
      else
        drop(DropReason::NackUnknownSequence);  // a stream we never sent this peer
    } else if (const auto* remb = std::get_if<rtp::rtcp::Remb>(&packet)) {
      // The receiver's own estimate of its downlink (goog-remb, negotiated on our video consumers).
      bump(counters_.rembsReceived);
      const uint64_t congestions = downlink_.congestionCount();
      downlink_.onRemb(remb->bitrateBps, std::chrono::steady_clock::now());
      if (downlink_.congestionCount() != congestions)
        spdlog::debug("[media] {} downlink congested: REMB fell to {} bps", logContext_, remb->bitrateBps);
      if (!rembLogged_) {
        rembLogged_ = true;
        spdlog::debug("[media] {} first REMB {} bps", logContext_, remb->bitrateBps);
      }
    } else if (const auto* rr = std::get_if<rtp::rtcp::ReceiverReport>(&packet)) {
      receiverReport(*rr);
    }
    // SDES, BYE and transport-cc are read but not acted on here.
  }
}

void WebRtcTransport::receiverReport(const rtp::rtcp::ReceiverReport& report) {
  // The loss the receiver saw on our video (RFC 3550 §6.4.1 fraction lost, 8-bit fixed point): the
  // worst stream counts, since a congested link loses on all of them. Audio streams are too sparse.
  std::optional<uint8_t> worst;
  for (const auto& block : report.reports) {
    auto it = consumersBySsrc_.find(block.ssrc);
    if (it == consumersBySsrc_.end() || it->second->kind() != MediaKind::Video) continue;
    worst = std::max(worst.value_or(0), block.fractionLost);
  }
  if (!worst) return;
  const uint64_t congestions = downlink_.congestionCount();
  downlink_.onLoss(*worst / 256.0, std::chrono::steady_clock::now());
  if (downlink_.congestionCount() != congestions)
    spdlog::debug("[media] {} downlink congested: {:.0f}% loss over the last second", logContext_,
                  downlink_.lastJudgedLoss() * 100);
}

bool WebRtcTransport::checkConsent(std::chrono::steady_clock::time_point now) {
  return ice_.checkConsent(now);
}

void WebRtcTransport::sendReceiverReports(std::chrono::steady_clock::time_point now) {
  if (!srtpOut_ || producers_.empty()) return;
  rtp::rtcp::ReceiverReport report;
  report.ssrc = kReceiverReportSsrc;
  for (const auto& [id, producer] : producers_) {
    producer->appendReportBlocks(now, report.reports);
    if (report.reports.size() >= 31) break;
  }
  if (report.reports.size() > 31) report.reports.resize(31);  // the RC field holds at most 31 blocks
  if (report.reports.empty()) return;
  std::vector<uint8_t> out;
  rtp::rtcp::serialize(rtp::rtcp::Packet{report}, out);
  sendRtcp(out);
}

void WebRtcTransport::sendRtp(uint8_t* buffer, size_t length, size_t capacity) {
  const auto& tuple = ice_.selectedTuple();
  if (!srtpOut_ || !tuple || ice_.state() != ice::IceLiteServer::State::Connected) return;
  auto protectedLength = srtpOut_->protectRtp(buffer, length, capacity);
  if (!protectedLength) {
    drop(DropReason::SrtpFailure);
    return;
  }
  bump(counters_.rtpPacketsOut);
  bump(counters_.rtpBytesOut, *protectedLength);
  downlink_.onPacketSent(*protectedLength, std::chrono::steady_clock::now());
  host_.sendDatagram(*tuple, {buffer, *protectedLength});
}

void WebRtcTransport::sendRtcp(std::span<const uint8_t> packet) {
  const auto& tuple = ice_.selectedTuple();
  if (!srtpOut_ || !tuple || packet.size() + srtp::SrtpSession::kMaxTrailer > rtcpBuffer_.size()) return;
  std::copy(packet.begin(), packet.end(), rtcpBuffer_.begin());
  auto protectedLength = srtpOut_->protectRtcp(rtcpBuffer_.data(), packet.size(), rtcpBuffer_.size());
  if (!protectedLength) {
    drop(DropReason::SrtpFailure);
    return;
  }
  // Our own RTCP starts with the packet we wrote: PSFB (RFC 4585 §6.3) with FMT 1 is a PLI.
  if (packet.size() >= 2 && packet[1] == rtp::rtcp::kPsfbType && (packet[0] & 0x1f) == rtp::rtcp::Pli::kFmt)
    bump(counters_.plisSent);
  if (packet.size() >= 2 && packet[1] == rtp::rtcp::kRtpfbType && (packet[0] & 0x1f) == rtp::rtcp::Nack::kFmt)
    bump(counters_.nacksSent);
  bump(counters_.rtcpPacketsOut);
  bump(counters_.rtcpBytesOut, *protectedLength);
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
    spdlog::error("[media] {} srtp setup failed: {}", logContext_, e.what());
    srtpIn_.reset();
    srtpOut_.reset();
    return;
  }
  spdlog::debug("[media] {} dtls connected", logContext_);
  // Consumers resumed before the handshake finished may have let their keyframe go by unsent.
  for (auto& [id, consumer] : consumers_) consumer->restartFromKeyframe();
}

void WebRtcTransport::onDtlsFailed(const std::string& reason) {
  spdlog::warn("[media] {} dtls failed: {}", logContext_, reason);
  srtpIn_.reset();
  srtpOut_.reset();
}

void WebRtcTransport::onDtlsClosed() {
  spdlog::debug("[media] {} dtls closed by peer", logContext_);
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
