#pragma once

#include <string>
#include <string_view>

#include "sfu/Router.hpp"

namespace jb::sfu {

// A worker closed everything one peer had in a room on its own initiative (not on a signaling
// request), e.g. because the peer's browser stopped answering ICE consent checks. Signaling must end
// that peer's session and tell the room what `report` says was closed.
struct PeerMediaClosed {
  enum class Cause { IceConsentExpired };

  unsigned worker = 0;
  std::string roomId;
  std::string peerId;
  Cause cause = Cause::IceConsentExpired;
  Router::CloseReport report;
};

inline std::string_view toString(PeerMediaClosed::Cause cause) {
  switch (cause) {
    case PeerMediaClosed::Cause::IceConsentExpired:
      return "ice_consent_expired";
  }
  return "unknown";
}

}  // namespace jb::sfu
