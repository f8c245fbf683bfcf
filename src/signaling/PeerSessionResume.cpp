// Session resumption (docs/protocol.md "Reconnect"): a socket that drops without `leave` parks its
// peer, and a new socket's `resume` takes the same peer over with its media objects untouched.
#include <spdlog/spdlog.h>

#include <chrono>

#include "common/RequestError.hpp"
#include "signaling/PeerDeparture.hpp"
#include "signaling/PeerSession.hpp"
#include "signaling/TurnCredentials.hpp"

namespace jb::signaling {

using common::RequestError;
using nlohmann::json;

namespace {
json idsOf(const std::set<std::string>& ids) {
  return json(std::vector<std::string>(ids.begin(), ids.end()));
}
}  // namespace

PeerIdentity PeerSession::detach() {
  PeerIdentity out{std::move(room_), peerId_, displayName_, rtpCapabilities_, permissions_, chatCounter_};
  room_.reset();
  return out;
}

void PeerSession::adopt(PeerIdentity identity) {
  room_ = std::move(identity.room);
  peerId_ = std::move(identity.peerId);
  displayName_ = std::move(identity.displayName);
  rtpCapabilities_ = std::move(identity.rtpCapabilities);
  permissions_ = identity.permissions;
  chatCounter_ = identity.chatCounter;
  if (Room::Member* member = room_->findMember(peerId_)) member->session = this;
}

void PeerSession::park() {
  std::shared_ptr<Room> room = room_;
  const std::string peerId = peerId_;
  // Notifications meanwhile are dropped; the resume response carries the state to reconcile.
  if (Room::Member* member = room->findMember(peerId)) member->session = nullptr;
  auto& resumption = directory_.resumption();
  spdlog::info("[signaling] room={} peer={} socket dropped; kept {}s for resume", room->id(), peerId,
               std::chrono::duration_cast<std::chrono::seconds>(resumption.grace()).count());
  resumption.park(detach(), signalingIo_, [&directory = directory_, &io = signalingIo_](PeerIdentity peer) {
    directory.metrics().countResume("expired");
    spdlog::info("[signaling] room={} peer={} not resumed in time", peer.room->id(), peer.peerId);
    departRoom(directory, io, std::move(peer.room), peer.peerId);
  });
  json state = {{"peerId", peerId}, {"state", "reconnecting"}};
  room->notifyAll("peerConnectionState", state, peerId);
}

void PeerSession::resume(const Request& request) {
  if (joined()) throw RequestError("already_joined", "this connection already joined a room");
  const std::string peerId = request.data["peerId"].get<std::string>();
  const std::string& token = request.data["resumeToken"].get_ref<const std::string&>();
  auto& resumption = directory_.resumption();
  std::optional<PeerIdentity> identity;
  std::shared_ptr<Room> room;
  auto claim = resumption.enabled() ? resumption.claim(peerId, token, identity, room)
                                    : SessionResumption::Claim::Unknown;
  if (claim == SessionResumption::Claim::Live) {
    // The old socket is still open (the client saw a drop the server did not): the new one wins.
    Room::Member* member = room ? room->findMember(peerId) : nullptr;
    PeerSession* previous = member ? member->session : nullptr;
    if (previous && previous != this) {
      identity = previous->detach();
      previous->terminated_ = true;
      previous->channel_.closeWith(CloseCode::Replaced, "resumed on another connection");
    }
  }
  if (!identity || !identity->room || !identity->room->findMember(peerId)) {
    directory_.metrics().countResume("failed");
    throw RequestError("resume_failed",
                       "nothing to resume: unknown peer, wrong token or grace period over; join again");
  }
  adopt(std::move(*identity));
  const std::string newToken = resumption.issue(peerId_, room_);
  directory_.metrics().countResume("ok");
  spdlog::info("[signaling] room={} peer={} resumed peers={}", room_->id(), peerId_, room_->size());

  const Room::Member& self = *room_->findMember(peerId_);
  json producers = json::array();
  for (const auto& [id, p] : self.producers) producers.push_back(Room::describeProducer(peerId_, p));
  json response = {{"peerId", peerId_},
                   {"roomId", room_->id()},
                   {"displayName", displayName_},
                   {"permissions",
                    {{"publish", permissions_.publish},
                     {"subscribe", permissions_.subscribe},
                     {"chat", permissions_.chat}}},
                   {"peers", room_->describePeers(peerId_)},
                   {"producers", producers},
                   {"transports", idsOf(self.transports)},
                   {"consumers", idsOf(self.consumers)},
                   {"resumeToken", newToken},
                   {"iceServers", directory_.turn() ? directory_.turn()->iceServers(
                                                          peerId_, std::chrono::system_clock::now())
                                                    : json::array()},
                   {"translation", translationCapabilities()}};
  respond(request.id, response);
  json state = {{"peerId", peerId_}, {"state", "connected"}};
  room_->notifyAll("peerConnectionState", state, peerId_);
}

}  // namespace jb::signaling
