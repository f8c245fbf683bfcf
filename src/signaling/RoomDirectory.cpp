#include "signaling/RoomDirectory.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "common/RequestError.hpp"
#include "signaling/ActiveSpeakerBridge.hpp"
#include "signaling/PeerSession.hpp"

namespace jb::signaling {

RoomDirectory::RoomDirectory(std::vector<sfu::Worker*> workers, SignalingLimits limits)
    : workers_(std::move(workers)), limits_(limits), resumption_(limits.resumeGrace) {
  if (workers_.empty()) throw std::invalid_argument("RoomDirectory needs at least one worker");
}

std::shared_ptr<Room> RoomDirectory::joinRoom(const std::string& roomId) {
  if (auto it = rooms_.find(roomId); it != rooms_.end()) {
    if (limits_.maxPeersPerRoom != 0 && it->second->size() >= limits_.maxPeersPerRoom) {
      metrics_.countLimitRejection("room_peers");
      throw common::RequestError("room_full",
                                 "room is full (" + std::to_string(limits_.maxPeersPerRoom) + " peers)");
    }
    return it->second;
  }
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

void RoomDirectory::listenToWorkers(boost::asio::any_io_executor signalingExecutor) {
  for (sfu::Worker* worker : workers_)
    worker->onPeerMediaClosed(signalingExecutor,
                              [this](sfu::PeerMediaClosed event) { handlePeerMediaClosed(event); });
  for (sfu::Worker* worker : workers_)
    worker->onSpeakerActivity(signalingExecutor,
                              [this](sfu::SpeakerActivity event) { announceSpeakerActivity(*this, event); });
  for (sfu::Worker* worker : workers_)
    worker->onConsumerLayersChanged(
        signalingExecutor, [this](sfu::ConsumerLayersChanged event) { handleConsumerLayersChanged(event); });
}

void RoomDirectory::handlePeerMediaClosed(const sfu::PeerMediaClosed& event) {
  auto it = rooms_.find(event.roomId);
  // The room may have emptied (and its id been reused on another worker) while the event was queued.
  if (it == rooms_.end() || it->second->worker().index() != event.worker) return;
  std::shared_ptr<Room> room = it->second;
  if (Room::Member* member = room->findMember(event.peerId); member && member->session) {
    spdlog::info("[signaling] room={} peer={} session closed: {}", room->id(), event.peerId,
                 sfu::toString(event.cause));
    metrics_.countServerClose(sfu::toString(event.cause));
    // Leaves the room (peerLeft to the others) and closes the socket; the media is already gone.
    member->session->terminate(CloseCode::MediaTimeout, std::string(sfu::toString(event.cause)));
  } else if (member && resumption_.isParked(event.peerId)) {
    // Parked and its media died too: nothing left to resume, so the grace period ends now.
    spdlog::info("[signaling] room={} peer={} parked peer's media closed: {}", room->id(), event.peerId,
                 sfu::toString(event.cause));
    resumption_.expireNow(event.peerId);
  }
  // Even if the peer left meanwhile: its leave found nothing left to close, so the others learn here.
  announceClosed(*room, event.report);
}

void RoomDirectory::handleConsumerLayersChanged(const sfu::ConsumerLayersChanged& event) {
  auto it = rooms_.find(event.roomId);
  if (it == rooms_.end() || it->second->worker().index() != event.worker) return;
  it->second->notifyPeer(event.peerId, "consumerLayersChanged",
                         {{"consumerId", event.consumerId}, {"spatialLayer", event.spatialLayer}});
}

size_t RoomDirectory::peerCount() const {
  size_t n = 0;
  for (const auto& [id, room] : rooms_) n += room->size();
  return n;
}

std::shared_ptr<Room> RoomDirectory::findRoom(const std::string& roomId) const {
  auto it = rooms_.find(roomId);
  return it == rooms_.end() ? nullptr : it->second;
}

}  // namespace jb::signaling
