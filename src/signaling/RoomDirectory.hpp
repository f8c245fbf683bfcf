#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sfu/PeerMediaClosed.hpp"
#include "sfu/Worker.hpp"
#include "signaling/Limits.hpp"
#include "signaling/Room.hpp"
#include "signaling/SessionResumption.hpp"
#include "signaling/SignalingMetrics.hpp"

namespace jb::signaling {

class TranslationBridge;
class TurnCredentials;

// The signaling state every session of this node shares: all rooms and which media worker hosts
// each, the limits sessions enforce, and the signaling counters. Signaling thread only.
class RoomDirectory {
 public:
  explicit RoomDirectory(std::vector<sfu::Worker*> workers, SignalingLimits limits = {});

  // The room, created on the least-loaded worker (fewest peers) if it does not exist yet. Throws
  // RequestError("room_full") if it already has limits().maxPeersPerRoom members.
  std::shared_ptr<Room> joinRoom(const std::string& roomId);
  // Called after a member left; forgets the room (and frees its router) once it is empty.
  void releaseIfEmpty(const std::shared_ptr<Room>& room);
  // Null if no such room (or it closed).
  std::shared_ptr<Room> findRoom(const std::string& roomId) const;

  // The live-translation pipeline's signaling side; null when translation is off.
  void setTranslation(TranslationBridge* translation) { translation_ = translation; }
  TranslationBridge* translation() const { return translation_; }
  // Where join responses get their ICE servers; null: none (host candidates only).
  void setTurn(std::shared_ptr<const TurnCredentials> turn) { turn_ = std::move(turn); }
  const TurnCredentials* turn() const { return turn_.get(); }

  // Subscribes to the workers' PeerMediaClosed events, delivered on `signalingExecutor` (the
  // io_context this directory lives on): the peer's session is ended and the room told.
  void listenToWorkers(boost::asio::any_io_executor signalingExecutor);
  void handlePeerMediaClosed(const sfu::PeerMediaClosed& event);
  // consumerLayersChanged to the consumer's peer, if it is still in that room on that worker.
  void handleConsumerLayersChanged(const sfu::ConsumerLayersChanged& event);

  size_t roomCount() const { return rooms_.size(); }
  size_t peerCount() const;
  size_t workerCount() const { return workers_.size(); }
  const std::vector<sfu::Worker*>& workers() const { return workers_; }

  const SignalingLimits& limits() const { return limits_; }
  SignalingMetrics& metrics() { return metrics_; }
  // Resume tokens and peers whose socket dropped (limits().resumeGrace).
  SessionResumption& resumption() { return resumption_; }
  const SignalingMetrics& metrics() const { return metrics_; }

 private:
  std::vector<sfu::Worker*> workers_;
  SignalingLimits limits_;
  SignalingMetrics metrics_;
  SessionResumption resumption_;
  std::map<std::string, std::shared_ptr<Room>> rooms_;
  TranslationBridge* translation_ = nullptr;
  std::shared_ptr<const TurnCredentials> turn_;
};

}  // namespace jb::signaling
