#include "signaling/ActiveSpeakerBridge.hpp"

#include "signaling/Room.hpp"
#include "signaling/RoomDirectory.hpp"

namespace jb::signaling {

using nlohmann::json;

json describeActiveSpeaker(const Room& room) {
  return {{"peerId", room.activeSpeaker() ? json(*room.activeSpeaker()) : json(nullptr)}};
}

void announceSpeakerActivity(RoomDirectory& directory, const sfu::SpeakerActivity& activity) {
  std::shared_ptr<Room> room = directory.findRoom(activity.roomId);
  // The room may have emptied (and its id been reused on another worker) while the event was queued.
  if (!room || room->worker().index() != activity.worker) return;
  if (activity.dominantPeer) {
    const auto& peer = *activity.dominantPeer;
    // A peer that already left is not announced (its producers' removal reports the next change).
    room->setActiveSpeaker(peer && room->findMember(*peer) ? peer : std::nullopt);
    room->notifyAll("activeSpeaker", describeActiveSpeaker(*room));
  }
  if (activity.levels) {
    json levels = json::array();
    for (const auto& level : *activity.levels)
      if (room->findMember(level.peerId)) levels.push_back({{"peerId", level.peerId}, {"level", level.dbov}});
    room->notifyAll("audioLevels", {{"levels", levels}});
  }
}

}  // namespace jb::signaling
