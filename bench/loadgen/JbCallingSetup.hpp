#pragma once

#include <boost/asio/awaitable.hpp>

#include "LoadPeer.hpp"

namespace jb::bench {

// Joins `peer` to a JB Calling room (docs/protocol.md), opens its transports and publishes.
boost::asio::awaitable<void> joinJbCalling(LoadPeer& peer, const std::string& roomId, const std::string& host,
                                           uint16_t port, SetupContext& context);
// Consumes every track the other publishers of the room produced.
boost::asio::awaitable<void> consumeJbCalling(LoadPeer& peer, const std::vector<LoadPeer*>& room);

}  // namespace jb::bench
