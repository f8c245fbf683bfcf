#include "translation/pipeline/RoomLanguages.hpp"

namespace jb::translation {

void RoomLanguages::setPeer(const std::string& roomId, const std::string& peerId, std::string displayName,
                            Listener choice) {
  std::lock_guard lock(mutex_);
  rooms_[roomId][peerId] = Peer{std::move(displayName), std::move(choice)};
}

void RoomLanguages::removePeer(const std::string& roomId, const std::string& peerId) {
  std::lock_guard lock(mutex_);
  auto room = rooms_.find(roomId);
  if (room == rooms_.end()) return;
  room->second.erase(peerId);
  if (room->second.empty()) rooms_.erase(room);  // nothing about a room outlives it
}

std::optional<RoomLanguages::Speaker> RoomLanguages::speaker(const std::string& roomId,
                                                             const std::string& peerId) const {
  std::lock_guard lock(mutex_);
  auto room = rooms_.find(roomId);
  if (room == rooms_.end()) return std::nullopt;
  auto peer = room->second.find(peerId);
  if (peer == room->second.end()) return std::nullopt;
  return Speaker{peer->second.choice.speak, peer->second.displayName};
}

RoomLanguages::Targets RoomLanguages::targets(const std::string& roomId) const {
  std::lock_guard lock(mutex_);
  Targets targets;
  auto room = rooms_.find(roomId);
  if (room == rooms_.end()) return targets;
  for (const auto& [peerId, peer] : room->second) {
    if (peer.choice.captions.empty()) continue;
    targets.captions.insert(peer.choice.captions);
    if (peer.choice.voice) targets.voices.insert(peer.choice.captions);
  }
  return targets;
}

}  // namespace jb::translation
