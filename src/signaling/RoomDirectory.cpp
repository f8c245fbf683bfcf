#include "signaling/RoomDirectory.hpp"

#include <algorithm>
#include <stdexcept>

namespace jb::signaling {

RoomDirectory::RoomDirectory(std::vector<sfu::Worker*> workers) : workers_(std::move(workers)) {
  if (workers_.empty()) throw std::invalid_argument("RoomDirectory needs at least one worker");
}

std::shared_ptr<Room> RoomDirectory::joinRoom(const std::string& roomId) {
  if (auto it = rooms_.find(roomId); it != rooms_.end()) return it->second;
  std::map<sfu::Worker*, size_t> load;
  for (auto* w : workers_) load[w] = 0;
  for (const auto& [id, room] : rooms_)
    load[&room->worker()] += room->size() + 1;  // an empty room still costs
  sfu::Worker* least = *std::min_element(workers_.begin(), workers_.end(),
                                         [&](auto* a, auto* b) { return load[a] < load[b]; });
  auto room = std::make_shared<Room>(roomId, *least);
  rooms_[roomId] = room;
  return room;
}

void RoomDirectory::releaseIfEmpty(const std::shared_ptr<Room>& room) {
  if (room->size() > 0) return;
  auto it = rooms_.find(room->id());
  if (it == rooms_.end() || it->second != room) return;
  rooms_.erase(it);
  sfu::Worker& worker = room->worker();
  worker.post([&worker, roomId = room->id()] { worker.closeRouter(roomId); });
}

size_t RoomDirectory::peerCount() const {
  size_t n = 0;
  for (const auto& [id, room] : rooms_) n += room->size();
  return n;
}

}  // namespace jb::signaling
