#include "ice/IceLiteServer.hpp"

namespace jb::ice {

IceLiteServer::IceLiteServer(std::string localUsernameFragment, std::string localPassword,
                             Clock::duration consentTimeout)
    : localUfrag_(std::move(localUsernameFragment)),
      localPassword_(std::move(localPassword)),
      consentTimeout_(consentTimeout) {}

IceLiteServer::Outcome IceLiteServer::handleRequest(const StunMessage& request, const Endpoint& from,
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
  if (colon == std::string::npos || username->substr(0, colon) != localUfrag_) {
    out.response = StunMessage::makeErrorResponse(request, 401, "Unauthorized").serialize({}, true);
    return out;
  }
  if (request.checkMessageIntegrity(localPassword_) != StunMessage::IntegrityResult::Ok) {
    out.response = StunMessage::makeErrorResponse(request, 401, "Unauthorized").serialize({}, true);
    return out;
  }
  // RFC 8445 §7.3.1.1: a lite agent is always controlled; a peer claiming ICE-CONTROLLED is in conflict.
  if (request.iceControlled()) {
    out.response =
        StunMessage::makeErrorResponse(request, 487, "Role Conflict").serialize(localPassword_, true);
    return out;
  }

  out.authenticated = true;
  // RFC 8445 §7.3.1.5: with regular nomination, USE-CANDIDATE picks the pair. We also adopt the first
  // authenticated tuple so media can start before nomination, as browsers send on the first valid pair.
  if (request.useCandidate() || !selectedTuple_) {
    if (selectedTuple_ != from) out.selectedTupleChanged = true;
    selectedTuple_ = from;
  }
  if (selectedTuple_ == from) lastConsent_ = now;
  state_ = State::Connected;

  StunMessage response = StunMessage::makeSuccessResponse(request);
  response.setXorMappedAddress(from);
  out.response = response.serialize(localPassword_, true);
  return out;
}

bool IceLiteServer::checkConsent(Clock::time_point now) {
  if (state_ == State::Connected && now - lastConsent_ > consentTimeout_) {
    state_ = State::Disconnected;
    return true;
  }
  return false;
}

void IceLiteServer::restart(std::string usernameFragment, std::string password) {
  localUfrag_ = std::move(usernameFragment);
  localPassword_ = std::move(password);
}

}  // namespace jb::ice
