#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>

namespace jb::signaling {

class Room;
class RoomDirectory;

// Removes `peerId` from `room` for good, as on `leave`: the others get `peerLeft`, the peer's media
// objects are closed on the room's worker (then `producerClosed` / `consumerClosed`), its resume
// token stops working, and an emptied room is released. Used by a live session and by the end of a
// parked peer's grace period alike. Signaling thread only.
void departRoom(RoomDirectory& directory, boost::asio::io_context& signalingIo, std::shared_ptr<Room> room,
                const std::string& peerId);

}  // namespace jb::signaling
