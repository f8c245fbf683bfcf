#include "signaling/PeerDeparture.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "signaling/PeerSession.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/TranslationBridge.hpp"

namespace jb::signaling {

void departRoom(RoomDirectory& directory, boost::asio::io_context& signalingIo, std::shared_ptr<Room> room,
                const std::string& peerId) {
  directory.resumption().forget(peerId);
  room->removeMember(peerId);
  if (auto* bridge = directory.translation()) bridge->peerLeft(*room, peerId);
  spdlog::info("[signaling] room={} peer={} left peers={}", room->id(), peerId, room->size());
  room->notifyAll("peerLeft", {{"peerId", peerId}});
  // Free the media objects; other peers' consumers of ours are told to close when the report is back.
  sfu::Worker& worker = room->worker();
  worker.post([&worker, &io = signalingIo, room, peerId] {
    sfu::Router::CloseReport report;
    if (sfu::Router* router = worker.findRouter(room->id())) report = router->closePeer(peerId);
    boost::asio::post(io, [room, report = std::move(report)] { announceClosed(*room, report); });
  });
  directory.releaseIfEmpty(room);
}

}  // namespace jb::signaling
