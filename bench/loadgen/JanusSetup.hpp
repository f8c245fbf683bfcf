#pragma once

#include <boost/asio/awaitable.hpp>

#include "JanusClient.hpp"
#include "LoadPeer.hpp"

namespace jb::bench {

// Creates a VideoRoom whose bitrate cap is far above the generated streams.
boost::asio::awaitable<uint64_t> createJanusRoom(JanusClient& janus);
// Publishes `peer` into the room with an SDP offer we write ourselves.
boost::asio::awaitable<void> publishJanus(LoadPeer& peer, JanusClient& janus, uint64_t room,
                                          SetupContext& context);
// Subscribes `peer` to every other publisher of the room, one PeerConnection per feed.
boost::asio::awaitable<void> subscribeJanus(LoadPeer& peer, JanusClient& janus, uint64_t room,
                                            const std::vector<LoadPeer*>& members, SetupContext& context);

}  // namespace jb::bench
