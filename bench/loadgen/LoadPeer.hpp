#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <vector>

#include "JanusClient.hpp"
#include "MediaTransport.hpp"
#include "ReceiverStats.hpp"
#include "SignalingConnection.hpp"
#include "SyntheticStream.hpp"

namespace jb::bench {

// One simulated participant, whichever server it talks to.
struct LoadPeer {
  std::string name;
  size_t room = 0;
  bool publisher = false;
  std::unique_ptr<MediaTransport> sendTransport;
  std::vector<std::unique_ptr<MediaTransport>> recvTransports;
  std::vector<std::unique_ptr<SyntheticStream>> streams;
  ReceiverStats stats;
  // JB Calling
  std::unique_ptr<SignalingConnection> signaling;
  std::string sendTransportId;
  std::string recvTransportId;
  std::vector<std::string> producerIds;
  // Janus
  uint64_t janusFeedId = 0;
};

// What the scenario shares with the per-server setup code.
struct SetupContext {
  boost::asio::io_context& io;
  DatagramBatch& receiveBatch;  // shared by every MediaTransport: they all run on io's one thread
  std::shared_ptr<const dtls::Certificate> certificate;
  boost::asio::ip::address bindAddress;
  uint32_t videoBitrateBps;
  double pacingFactor;
  bool audio;
  bool video;
};

// Counts what arrives on `transport` into `peer.stats` (reads the stamp SyntheticStream wrote).
void attachReceiver(LoadPeer& peer, MediaTransport& transport);
// Starts `transport` towards `remote` and suspends until ICE + DTLS are up; throws after 10 s.
boost::asio::awaitable<void> connectTransport(MediaTransport& transport, MediaTransport::Remote remote,
                                              const std::string& what);
boost::asio::awaitable<void> sleepFor(std::chrono::milliseconds duration);
SyntheticStream::Config streamConfig(bool video, uint32_t ssrc, uint8_t payloadType,
                                     const SetupContext& context);

}  // namespace jb::bench
