#pragma once

#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ice/StunMessage.hpp"

namespace jb::ice {

// The ICE-lite side of RFC 8445 (§2.5): we never send checks, we answer the browser's. Pure logic:
// the caller delivers parsed STUN and sends back the bytes returned.
class IceLiteServer {
 public:
  using Clock = std::chrono::steady_clock;
  using Endpoint = boost::asio::ip::udp::endpoint;
  enum class State { New, Connected, Disconnected };

  // RFC 7675 §5.1: consent expires 30 s after the last authenticated check.
  static constexpr auto kConsentTimeout = std::chrono::seconds(30);

  IceLiteServer(std::string localUsernameFragment, std::string localPassword,
                Clock::duration consentTimeout = kConsentTimeout);

  const std::string& usernameFragment() const { return localUfrag_; }
  const std::string& password() const { return localPassword_; }

  struct Outcome {
    std::vector<uint8_t> response;  // bytes to send back to `from` (may be an error response)
    bool authenticated = false;     // the request passed USERNAME + MESSAGE-INTEGRITY checks
    bool selectedTupleChanged = false;
  };
  // Handles a Binding request addressed to us. Non-requests produce an empty outcome.
  Outcome handleRequest(const StunMessage& request, const Endpoint& from, Clock::time_point now);

  // Moves to Disconnected when consent has expired. Returns true if the state changed.
  bool checkConsent(Clock::time_point now);
  Clock::duration consentTimeout() const { return consentTimeout_; }

  // New ICE credentials for an ICE restart (RFC 8445 §9); the selected tuple is kept until checks move it.
  void restart(std::string usernameFragment, std::string password);

  State state() const { return state_; }
  const std::optional<Endpoint>& selectedTuple() const { return selectedTuple_; }

 private:
  std::string localUfrag_;
  std::string localPassword_;
  State state_ = State::New;
  std::optional<Endpoint> selectedTuple_;
  Clock::time_point lastConsent_{};
  Clock::duration consentTimeout_;
};

}  // namespace jb::ice
