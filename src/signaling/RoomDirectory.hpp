#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sfu/Worker.hpp"
#include "signaling/Room.hpp"

namespace jb::signaling {

// All rooms of this signaling node and which media worker hosts each. Signaling thread only.
class RoomDirectory {
 public:
  explicit RoomDirectory(std::vector<sfu::Worker*> workers);

  // The room, created on the least-loaded worker (fewest peers) if it does not exist yet.
  std::shared_ptr<Room> joinRoom(const std::string& roomId);
  // Called after a member left; forgets the room (and frees its router) once it is empty.
  void releaseIfEmpty(const std::shared_ptr<Room>& room);

  size_t roomCount() const { return rooms_.size(); }
  size_t peerCount() const;
  size_t workerCount() const { return workers_.size(); }

 private:
  std::vector<sfu::Worker*> workers_;
  std::map<std::string, std::shared_ptr<Room>> rooms_;
};

}  // namespace jb::signaling
