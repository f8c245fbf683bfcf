#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sfu/Worker.hpp"
#include "signaling/Passcode.hpp"

namespace jb::signaling {

class PeerSession;

// The signaling-side view of a room: who is in it, their names and what they publish. Lives on the
// signaling thread; the media objects live in a Router on `worker()`.
class Room {
 public:
  struct ProducerInfo {
    std::string id;
    std::string kind;
    std::string source;
    bool paused = false;
    std::string language;  // "translation" producers: the language the translated voice speaks
  };
  // What a participant speaks and wants to read/hear (ISO 639-1 codes; empty: not chosen).
  struct Languages {
    std::string speak;
    std::string captions;
    bool voice = false;
  };
  struct Member {
    std::string displayName;
    PeerSession* session = nullptr;  // null while the peer's socket is gone (parked, SessionResumption)
    std::map<std::string, ProducerInfo> producers;
    Languages languages;
    // The peer's own transports and consumers, so a `resume` response can list what still exists.
    std::set<std::string> transports;
    std::set<std::string> consumers;
  };
  // (speaker peer id, language) -> the producer carrying that speaker's translated voice; an empty
  // id while the worker is still creating it.
  using VoiceKey = std::pair<std::string, std::string>;

  Room(std::string id, sfu::Worker& worker) : id_(std::move(id)), worker_(worker) {}

  const std::string& id() const { return id_; }
  sfu::Worker& worker() const { return worker_; }

  void addMember(const std::string& peerId, std::string displayName, PeerSession& session,
                 Languages languages);
  void addMember(const std::string& peerId, std::string displayName, PeerSession& session) {
    addMember(peerId, std::move(displayName), session, Languages());
  }
  void removeMember(const std::string& peerId);
  Member* findMember(const std::string& peerId);
  size_t size() const { return members_.size(); }

  // Set by the room's creator (its first join); every later join must present it.
  void setPasscode(std::string_view plain) { passcode_.emplace(plain); }
  const Passcode* passcode() const { return passcode_ ? &*passcode_ : nullptr; }

  // Peer[] for a join response (docs/protocol.md), without `exceptPeerId`.
  nlohmann::json describePeers(const std::string& exceptPeerId) const;
  static nlohmann::json describeProducer(const std::string& peerId, const ProducerInfo& producer);
  static nlohmann::json describeLanguages(const Languages& languages);

  void notifyAll(const std::string& method, const nlohmann::json& data, const std::string& exceptPeerId = {});
  void notifyPeer(const std::string& peerId, const std::string& method, const nlohmann::json& data);
  const std::map<std::string, Member>& members() const { return members_; }

  // The room's final captions so far (getTranscript); forgotten with the room.
  std::vector<nlohmann::json>& transcript() { return transcript_; }
  std::map<VoiceKey, std::string>& voiceProducers() { return voiceProducers_; }
  // The dominant speaker the room was last told about (activeSpeaker), for peers joining later.
  const std::optional<std::string>& activeSpeaker() const { return activeSpeaker_; }
  void setActiveSpeaker(std::optional<std::string> peerId) { activeSpeaker_ = std::move(peerId); }

 private:
  std::string id_;
  sfu::Worker& worker_;
  std::map<std::string, Member> members_;
  std::optional<Passcode> passcode_;
  std::vector<nlohmann::json> transcript_;
  std::map<VoiceKey, std::string> voiceProducers_;
  std::optional<std::string> activeSpeaker_;
};

}  // namespace jb::signaling
