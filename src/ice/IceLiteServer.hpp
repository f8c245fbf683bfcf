#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ice/StunMessage.hpp"
#include "ice/TransportTuple.hpp"

namespace jb::ice {

// The ICE-lite side of RFC 8445 (§2.5): we never send checks, we answer the browser's. Pure logic:
// the caller delivers parsed STUN and sends back the bytes returned.
class IceLiteServer {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { New, Connected, Disconnected };

  // RFC 7675 §5.1: consent expires 30 s after the last authenticated check.
  static constexpr auto kConsentTimeout = std::chrono::seconds(30);

  IceLiteServer(std::string localUsernameFragment, std::string localPassword,
                Clock::duration consentTimeout = kConsentTimeout);

  const std::string& usernameFragment() const { return localUfrag_; }
  const std::string& password() const { return localPassword_; }
  // The credentials an ICE restart replaced, while they are still accepted (see restart()).
  const std::optional<std::string>& previousUsernameFragment() const { return previousUfrag_; }

  struct Outcome {
    std::vector<uint8_t> response;  // bytes to send back to `from` (may be an error response)
    bool authenticated = false;     // the request passed USERNAME + MESSAGE-INTEGRITY checks
    bool selectedTupleChanged = false;
    // Set when this check, the first one made with the credentials of an ICE restart, retired the
    // previous username fragment: the caller stops routing it to us.
    std::optional<std::string> retiredUsernameFragment;
  };
  // Handles a Binding request addressed to us. Non-requests produce an empty outcome.
  Outcome handleRequest(const StunMessage& request, const TransportTuple& from, Clock::time_point now);

  // Moves to Disconnected when consent has expired. Returns true if the state changed.
  bool checkConsent(Clock::time_point now);
  Clock::duration consentTimeout() const { return consentTimeout_; }

  // ICE restart (RFC 8445 §9) with new local credentials. The previous ones stay valid until the
  // browser's first check authenticated with the new ones: between our answer to `restartIce` and the
  // browser applying it, its consent checks still carry the old USERNAME, and answering them 401 would
  // only add noise. The selected tuple is kept (media keeps flowing if the path still works) until
  // checks nominate another, and consent is renewed from `now` so a restart that takes a few seconds
  // does not let it expire (RFC 7675 §5.1 counts from the last authenticated check). Returns a username
  // fragment no longer accepted: the replaced one of an earlier restart that had not completed yet.
  std::optional<std::string> restart(std::string usernameFragment, std::string password,
                                     Clock::time_point now);

  // The path to `tuple` is gone (its TCP connection closed): no more media goes there. Consent then
  // expires as for a browser that fell silent, unless a check selects another tuple first. True if
  // it was the selected tuple.
  bool forgetTuple(const TransportTuple& tuple);

  State state() const { return state_; }
  const std::optional<TransportTuple>& selectedTuple() const { return selectedTuple_; }

 private:
  std::string localUfrag_;
  std::string localPassword_;
  std::optional<std::string> previousUfrag_;
  std::string previousPassword_;
  State state_ = State::New;
  std::optional<TransportTuple> selectedTuple_;
  Clock::time_point lastConsent_{};
  Clock::duration consentTimeout_;
};

}  // namespace jb::ice
