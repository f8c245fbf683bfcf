#pragma once

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

namespace jb::translation {

// What each room needs from the pipeline: who speaks which language, and which languages its
// listeners read captions in and want spoken. Written by signaling, read by pipeline threads.
class RoomLanguages {
 public:
  struct Listener {
    std::string speak;
    std::string captions;
    bool voice = false;
  };
  struct Speaker {
    std::string language;
    std::string displayName;
  };
  struct Targets {
    std::set<std::string> captions;  // every caption language in the room
    std::set<std::string> voices;    // caption languages whose listeners turned translated voice on
  };

  void setPeer(const std::string& roomId, const std::string& peerId, std::string displayName,
               Listener choice);
  void removePeer(const std::string& roomId, const std::string& peerId);

  std::optional<Speaker> speaker(const std::string& roomId, const std::string& peerId) const;
  // Targets for an utterance by `speakerPeerId` (the speaker's own choices count too: they may read
  // their own captions translated).
  Targets targets(const std::string& roomId) const;

 private:
  struct Peer {
    std::string displayName;
    Listener choice;
  };
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::unordered_map<std::string, Peer>> rooms_;
};

}  // namespace jb::translation
