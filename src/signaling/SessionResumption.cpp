#include "signaling/SessionResumption.hpp"

#include <openssl/crypto.h>

#include "common/Random.hpp"

namespace jb::signaling {

namespace {
// 32 characters of [A-Za-z0-9]: log2(62^32) ≈ 190 bits, far beyond guessing within a grace period.
constexpr size_t kTokenLength = 32;
}  // namespace

bool tokensEqual(const std::string& a, const std::string& b) {
  // Every token has the same length, so leaving early on a length mismatch reveals nothing.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SessionResumption::issue(const std::string& peerId, const std::shared_ptr<Room>& room) {
  std::string token = common::randomToken(kTokenLength);
  Entry& entry = entries_[peerId];
  entry.token = token;
  entry.room = room;
  return token;
}

void SessionResumption::forget(const std::string& peerId) {
  // Erasing destroys the timer, which cancels it; onTimer then finds no entry.
  entries_.erase(peerId);
}

void SessionResumption::park(PeerIdentity peer, boost::asio::io_context& io, Expire expire) {
  const std::string peerId = peer.peerId;
  Entry& entry = entries_[peerId];
  entry.parked = std::move(peer);
  entry.expire = std::move(expire);
  entry.generation = nextGeneration_++;
  entry.timer = std::make_unique<boost::asio::steady_timer>(io, grace_);
  entry.timer->async_wait([this, peerId, generation = entry.generation](boost::system::error_code ec) {
    // Aborted: cancelled by a resume or forget, or the directory is going away; touch nothing.
    if (ec == boost::asio::error::operation_aborted) return;
    onTimer(peerId, generation);
  });
}

void SessionResumption::onTimer(const std::string& peerId, uint64_t generation) {
  auto it = entries_.find(peerId);
  // A completion already queued when a resume cancelled the timer still arrives with success.
  if (it == entries_.end() || it->second.generation != generation || !it->second.parked) return;
  expireNow(peerId);
}

bool SessionResumption::isParked(const std::string& peerId) const {
  auto it = entries_.find(peerId);
  return it != entries_.end() && it->second.parked.has_value();
}

SessionResumption::Claim SessionResumption::claim(const std::string& peerId, const std::string& token,
                                                  std::optional<PeerIdentity>& parked,
                                                  std::shared_ptr<Room>& room) {
  auto it = entries_.find(peerId);
  if (it == entries_.end() || !tokensEqual(it->second.token, token)) return Claim::Unknown;
  Entry& entry = it->second;
  room = entry.room.lock();
  if (!entry.parked) return Claim::Live;
  parked = std::move(entry.parked);
  entry.parked.reset();
  entry.expire = nullptr;
  entry.generation = 0;
  entry.timer.reset();
  return Claim::Parked;
}

bool SessionResumption::expireNow(const std::string& peerId) {
  auto it = entries_.find(peerId);
  if (it == entries_.end() || !it->second.parked) return false;
  PeerIdentity peer = std::move(*it->second.parked);
  Expire expire = std::move(it->second.expire);
  entries_.erase(it);
  if (expire) expire(std::move(peer));
  return true;
}

size_t SessionResumption::parkedCount() const {
  size_t n = 0;
  for (const auto& [id, entry] : entries_) n += entry.parked ? 1 : 0;
  return n;
}

}  // namespace jb::signaling
