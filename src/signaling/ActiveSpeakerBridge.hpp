#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sfu/SpeakerActivity.hpp"

namespace jb::signaling {

class RoomDirectory;
class Room;

// Turns a worker's SpeakerActivity into the room notifications `activeSpeaker { peerId }` and
// `audioLevels { levels }` (docs/protocol.md). Signaling thread only.
void announceSpeakerActivity(RoomDirectory& directory, const sfu::SpeakerActivity& activity);

// The `activeSpeaker` data for the room's current dominant speaker (peerId null: nobody).
nlohmann::json describeActiveSpeaker(const Room& room);

}  // namespace jb::signaling
