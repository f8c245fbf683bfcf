#include "signaling/Room.hpp"

#include "signaling/Envelope.hpp"
#include "signaling/PeerSession.hpp"

namespace jb::signaling {

using nlohmann::json;

void Room::addMember(const std::string& peerId, std::string displayName, PeerSession& session,
                     Languages languages) {
  members_[peerId] = Member{std::move(displayName), &session, {}, std::move(languages), {}, {}};
}

void Room::removeMember(const std::string& peerId) {
  members_.erase(peerId);
  // The speaker's translated voices close with its media (Router::closePeer).
  std::erase_if(voiceProducers_, [&](const auto& entry) { return entry.first.first == peerId; });
}

Room::Member* Room::findMember(const std::string& peerId) {
  auto it = members_.find(peerId);
  return it == members_.end() ? nullptr : &it->second;
}

json Room::describeProducer(const std::string& peerId, const ProducerInfo& p) {
  json out = {{"id", p.id}, {"peerId", peerId}, {"kind", p.kind}, {"source", p.source}, {"paused", p.paused}};
  if (!p.language.empty()) {
    out["language"] = p.language;
    out["speakerPeerId"] = peerId;
  }
  return out;
}

json Room::describeLanguages(const Languages& languages) {
  return {{"speak", languages.speak}, {"captions", languages.captions}, {"voice", languages.voice}};
}

json Room::describePeers(const std::string& exceptPeerId) const {
  json peers = json::array();
  for (const auto& [peerId, member] : members_) {
    if (peerId == exceptPeerId) continue;
    json producers = json::array();
    for (const auto& [id, p] : member.producers) producers.push_back(describeProducer(peerId, p));
    json peer = {{"id", peerId},
                 {"displayName", member.displayName},
                 {"producers", producers},
                 {"languages", describeLanguages(member.languages)}};
    // Its socket dropped and the server holds it for a resume (SessionResumption).
    if (!member.session) peer["reconnecting"] = true;
    peers.push_back(std::move(peer));
  }
  return peers;
}

void Room::notifyAll(const std::string& method, const json& data, const std::string& exceptPeerId) {
  const std::string text = makeNotification(method, data);
  for (auto& [peerId, member] : members_)
    if (peerId != exceptPeerId && member.session) member.session->sendText(text);
}

void Room::notifyPeer(const std::string& peerId, const std::string& method, const json& data) {
  if (auto* member = findMember(peerId); member && member->session)
    member->session->sendText(makeNotification(method, data));
}

}  // namespace jb::signaling
