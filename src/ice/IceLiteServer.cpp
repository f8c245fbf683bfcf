#include "ice/IceLiteServer.hpp"

namespace jb::ice {

IceLiteServer::IceLiteServer(std::string localUsernameFragment, std::string localPassword,
                             Clock::duration consentTimeout)
    : localUfrag_(std::move(localUsernameFragment)),
      localPassword_(std::move(localPassword)),
      consentTimeout_(consentTimeout) {}

IceLiteServer::Outcome IceLiteServer::handleRequest(const StunMessage& request, const TransportTuple& from,
                                                    Clock::time_point now) {
  Outcome out;
  if (request.messageClass() != StunMessage::Class::Request || request.method() != StunMessage::kBinding)
    return out;

  // RFC 8489 §14.5: a FINGERPRINT that does not match means this is not STUN for us; drop silently.
  if (request.hasFingerprint() && !request.checkFingerprint()) return out;

  // RFC 8445 §7.3: USERNAME is "<our ufrag>:<their ufrag>", MESSAGE-INTEGRITY keyed with our password.
  const auto& username = request.username();
  if (!username || !request.hasMessageIntegrity()) {
    out.response = StunMessage::makeErrorResponse(request, 400, "Bad Request").serialize({}, true);
    return out;
  }
  auto colon = username->find(':');
  const std::string ufrag = colon == std::string::npos ? std::string() : username->substr(0, colon);
  const bool current = !ufrag.empty() && ufrag == localUfrag_;
  const bool previous = !current && !ufrag.empty() && previousUfrag_ && ufrag == *previousUfrag_;
  if (!current && !previous) {
    out.response = StunMessage::makeErrorResponse(request, 401, "Unauthorized").serialize({}, true);
    return out;
  }
  const std::string& key = current ? localPassword_ : previousPassword_;
  if (request.checkMessageIntegrity(key) != StunMessage::IntegrityResult::Ok) {
    out.response = StunMessage::makeErrorResponse(request, 401, "Unauthorized").serialize({}, true);
    return out;
  }
  // RFC 8445 §7.3.1.1: a lite agent is always controlled; a peer claiming ICE-CONTROLLED is in conflict.
  if (request.iceControlled()) {
    out.response = StunMessage::makeErrorResponse(request, 487, "Role Conflict").serialize(key, true);
    return out;
  }

  out.authenticated = true;
  if (current && previousUfrag_) {
    // The browser has applied the restart: the old credentials have no further use.
    out.retiredUsernameFragment = std::move(previousUfrag_);
    previousUfrag_.reset();
    previousPassword_.clear();
  }
  // RFC 8445 §7.3.1.5: with regular nomination, USE-CANDIDATE picks the pair. We also adopt the first
  // authenticated tuple so media can start before nomination, as browsers send on the first valid pair.
  if (request.useCandidate() || !selectedTuple_) {
    if (selectedTuple_ != from) out.selectedTupleChanged = true;
    selectedTuple_ = from;
  }
  if (selectedTuple_ == from) lastConsent_ = now;
  state_ = State::Connected;

  StunMessage response = StunMessage::makeSuccessResponse(request);
  // RFC 6544 §7.1 keeps XOR-MAPPED-ADDRESS for TCP too: the address and port the connection came from.
  response.setXorMappedAddress(from.remote);
  out.response = response.serialize(key, true);
  return out;
}

bool IceLiteServer::checkConsent(Clock::time_point now) {
  if (state_ == State::Connected && now - lastConsent_ > consentTimeout_) {
    state_ = State::Disconnected;
    return true;
  }
  return false;
}

std::optional<std::string> IceLiteServer::restart(std::string usernameFragment, std::string password,
                                                  Clock::time_point now) {
  std::optional<std::string> dropped;
  if (previousUfrag_) {
    // A second restart before the first completed (no check used the middle credentials yet): keep the
    // oldest ones, which the browser certainly used, and the newest, which it will use.
    dropped = std::move(localUfrag_);
  } else {
    previousUfrag_ = std::move(localUfrag_);
    previousPassword_ = std::move(localPassword_);
  }
  localUfrag_ = std::move(usernameFragment);
  localPassword_ = std::move(password);
  if (state_ == State::Connected) lastConsent_ = now;
  return dropped;
}

bool IceLiteServer::forgetTuple(const TransportTuple& tuple) {
  if (selectedTuple_ != tuple) return false;
  selectedTuple_.reset();
  return true;
}

}  // namespace jb::ice
