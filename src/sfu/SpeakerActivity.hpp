#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sfu/DominantSpeakerDetector.hpp"

namespace jb::sfu {

// What a room's ActiveSpeakerObserver tells signaling (through Worker::onSpeakerActivity), to be
// sent to every member as `activeSpeaker` / `audioLevels` (docs/protocol.md).
struct SpeakerActivity {
  unsigned worker = 0;
  std::string roomId;
  // Set when the dominant speaker changed: the new one, or nobody.
  std::optional<std::optional<std::string>> dominantPeer;
  // Set when a speaking-indicator update is due: who speaks now (empty: everyone just went quiet).
  std::optional<std::vector<DominantSpeakerDetector::Level>> levels;
};

}  // namespace jb::sfu
