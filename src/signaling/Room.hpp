#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

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
  };
  struct Member {
    std::string displayName;
    PeerSession* session = nullptr;
    std::map<std::string, ProducerInfo> producers;
  };

  Room(std::string id, sfu::Worker& worker) : id_(std::move(id)), worker_(worker) {}

  const std::string& id() const { return id_; }
  sfu::Worker& worker() const { return worker_; }

  void addMember(const std::string& peerId, std::string displayName, PeerSession& session);
  void removeMember(const std::string& peerId);
  Member* findMember(const std::string& peerId);
  size_t size() const { return members_.size(); }

  // Set by the room's creator (its first join); every later join must present it.
  void setPasscode(std::string_view plain) { passcode_.emplace(plain); }
  const Passcode* passcode() const { return passcode_ ? &*passcode_ : nullptr; }

  // Peer[] for a join response (docs/protocol.md), without `exceptPeerId`.
  nlohmann::json describePeers(const std::string& exceptPeerId) const;
  static nlohmann::json describeProducer(const std::string& peerId, const ProducerInfo& producer);

  void notifyAll(const std::string& method, const nlohmann::json& data, const std::string& exceptPeerId = {});
  void notifyPeer(const std::string& peerId, const std::string& method, const nlohmann::json& data);

 private:
  std::string id_;
  sfu::Worker& worker_;
  std::map<std::string, Member> members_;
  std::optional<Passcode> passcode_;
};

}  // namespace jb::signaling
