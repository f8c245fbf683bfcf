#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "signaling/AccessPolicy.hpp"
#include "signaling/Room.hpp"

namespace jb::signaling {

// What a PeerSession holds about its participant, handed from one socket to the next on `resume`
// (docs/protocol.md "Reconnect"). The media objects stay in the Router under the same peer id.
struct PeerIdentity {
  std::shared_ptr<Room> room;
  std::string peerId;
  std::string displayName;
  nlohmann::json rtpCapabilities;
  JoinPermissions permissions;
  uint64_t chatCounter = 0;
};

// Resume tokens of joined peers, and the peers whose socket dropped without `leave` ("parked"):
// they stay members of their room for the grace period, then are removed as on a leave. Signaling
// thread only. Tokens are never logged.
class SessionResumption {
 public:
  // Called when a parked peer's grace period ends without a resume.
  using Expire = std::function<void(PeerIdentity)>;

  explicit SessionResumption(std::chrono::steady_clock::duration grace) : grace_(grace) {}
  SessionResumption(const SessionResumption&) = delete;
  SessionResumption& operator=(const SessionResumption&) = delete;

  // Zero grace: sockets that drop leave at once and no token is issued.
  bool enabled() const { return grace_ > std::chrono::steady_clock::duration::zero(); }
  std::chrono::steady_clock::duration grace() const { return grace_; }

  // A fresh random token (190 bits) for `peerId` in `room`; any earlier one stops working.
  std::string issue(const std::string& peerId, const std::shared_ptr<Room>& room);
  // The peer left for good: its token stops working and a parked state is dropped (no expiry).
  void forget(const std::string& peerId);

  // The peer's socket went: keep `peer` until `resume` or the grace period's end, then `expire`.
  void park(PeerIdentity peer, boost::asio::io_context& io, Expire expire);
  bool isParked(const std::string& peerId) const;

  enum class Claim { Unknown, Parked, Live };
  // Checks `token` (constant time) for `peerId`. Parked: `parked` receives the identity and the
  // expiry timer is cancelled. Live: the peer still has a socket, which the caller must take over.
  // `room` receives the peer's room either way. Unknown: wrong token, unknown or expired peer.
  Claim claim(const std::string& peerId, const std::string& token, std::optional<PeerIdentity>& parked,
              std::shared_ptr<Room>& room);

  // Ends a parked peer's grace now (its media is gone anyway); false if it was not parked.
  bool expireNow(const std::string& peerId);

  size_t parkedCount() const;

 private:
  struct Entry {
    std::string token;
    std::weak_ptr<Room> room;
    std::optional<PeerIdentity> parked;
    std::unique_ptr<boost::asio::steady_timer> timer;
    Expire expire;
    uint64_t generation = 0;  // tells a stale timer completion from the current park
  };
  void onTimer(const std::string& peerId, uint64_t generation);

  std::chrono::steady_clock::duration grace_;
  std::map<std::string, Entry> entries_;
  uint64_t nextGeneration_ = 1;
};

// CRYPTO_memcmp after a length check: the time does not reveal where two tokens differ.
bool tokensEqual(const std::string& a, const std::string& b);

}  // namespace jb::signaling
