#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "signaling/AccessPolicy.hpp"
#include "signaling/Envelope.hpp"
#include "signaling/ErrorBudget.hpp"
#include "signaling/MessageChannel.hpp"
#include "signaling/Room.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/TokenBucket.hpp"

namespace jb::signaling {

// One participant's signaling connection: validates each request, runs its handler, and keeps what
// the participant owns so it can all be closed when the connection goes. Signaling thread only.
class PeerSession : public std::enable_shared_from_this<PeerSession> {
 public:
  // `access` null: the policy installed on `signalingIo` (see installAccessPolicy), open rooms by default.
  PeerSession(boost::asio::io_context& signalingIo, RoomDirectory& directory, MessageChannel& channel,
              std::shared_ptr<const AccessPolicy> access = nullptr);
  ~PeerSession();

  void handleText(const std::string& text);
  // The connection is gone (closed, errored, timed out): leave the room and free media objects.
  void handleDisconnect();

  void sendText(const std::string& text) { channel_.send(text); }
  bool joined() const { return room_ != nullptr; }
  const std::string& peerId() const { return peerId_; }
  // The server ends this session (abuse, or its media timed out): leave the room, free its media
  // objects and close the socket with `code` and `reason`.
  void terminate(CloseCode code, const std::string& reason);

 private:
  using Handler = void (PeerSession::*)(const Request&);
  static const std::unordered_map<std::string, Handler>& handlers();

  void respond(const nlohmann::json& id, const nlohmann::json& data);
  // `method` labels the error in metrics (empty: not known). Too many bad_json / invalid_request /
  // rate_limited errors close the session (SignalingLimits::abuseErrorLimit).
  void respondError(const nlohmann::json& id, const std::string& code, const std::string& message,
                    const std::string& method = {});

  // Runs `work(router)` on the room's media worker, then `done(result)` back on this thread if the
  // session is still alive. A RequestError thrown by `work` becomes the error response.
  void onMedia(const Request& request, std::function<nlohmann::json(sfu::Router&)> work,
               std::function<void(PeerSession&, nlohmann::json)> done);

  void getRouterRtpCapabilities(const Request& request);
  void join(const Request& request);
  // Session resumption (PeerSessionResume.cpp, docs/protocol.md "Reconnect").
  void resume(const Request& request);
  // The socket dropped without `leave`: keep the peer and its media for the grace period.
  void park();
  // Hands this session's participant over (to a parked record or a resuming session); the session
  // is no longer joined and its close leaves nothing.
  PeerIdentity detach();
  void adopt(PeerIdentity identity);
  void leave(const Request& request);
  void createWebRtcTransport(const Request& request);
  void connectWebRtcTransport(const Request& request);
  void restartIce(const Request& request);
  void produce(const Request& request);
  void pauseProducer(const Request& request);
  void resumeProducer(const Request& request);
  void setProducerPaused(const Request& request, bool paused);
  void closeProducer(const Request& request);
  void consume(const Request& request);
  void resumeConsumer(const Request& request);
  void pauseConsumer(const Request& request);
  void setConsumerPreferredLayers(const Request& request);
  void chat(const Request& request);
  // Live translation (PeerSessionTranslation.cpp).
  void getTranslationCapabilities(const Request& request);
  void setLanguages(const Request& request);
  void getTranscript(const Request& request);

  void leaveRoom();
  // The engines' offer for the join response and getTranslationCapabilities; an empty offer when
  // translation is off.
  nlohmann::json translationCapabilities() const;
  // Throws RequestError("forbidden") unless the join granted `allowed`.
  void requirePermission(bool allowed, const char* what) const;
  // Creator sets the room's passcode; everyone after must present it.
  void checkPasscode(Room& room, const nlohmann::json& data);

  boost::asio::io_context& signalingIo_;
  RoomDirectory& directory_;
  MessageChannel& channel_;
  TokenBucket rateLimit_;
  ErrorBudget errorBudget_;
  bool terminated_ = false;
  std::shared_ptr<Room> room_;
  std::string peerId_;
  std::string displayName_;
  nlohmann::json rtpCapabilities_;
  std::shared_ptr<const AccessPolicy> access_;
  JoinPermissions permissions_;
  int wrongPasscodes_ = 0;
  uint64_t chatCounter_ = 0;
};

// Notifies the room about what a Router::CloseReport says was closed.
void announceClosed(Room& room, const sfu::Router::CloseReport& report);

}  // namespace jb::signaling
