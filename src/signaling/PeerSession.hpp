#pragma once

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "signaling/Envelope.hpp"
#include "signaling/MessageChannel.hpp"
#include "signaling/Room.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/TokenBucket.hpp"

namespace jb::signaling {

// One participant's signaling connection: validates each request, runs its handler, and keeps what
// the participant owns so it can all be closed when the connection goes. Signaling thread only.
class PeerSession : public std::enable_shared_from_this<PeerSession> {
 public:
  PeerSession(boost::asio::io_context& signalingIo, RoomDirectory& directory, MessageChannel& channel);
  ~PeerSession();

  void handleText(const std::string& text);
  // The connection is gone (closed, errored, timed out): leave the room and free media objects.
  void handleDisconnect();

  void sendText(const std::string& text) { channel_.send(text); }
  bool joined() const { return room_ != nullptr; }
  const std::string& peerId() const { return peerId_; }

 private:
  using Handler = void (PeerSession::*)(const Request&);
  static const std::unordered_map<std::string, Handler>& handlers();

  void respond(const nlohmann::json& id, const nlohmann::json& data);
  void respondError(const nlohmann::json& id, const std::string& code, const std::string& message);

  // Runs `work(router)` on the room's media worker, then `done(result)` back on this thread if the
  // session is still alive. A RequestError thrown by `work` becomes the error response.
  void onMedia(const Request& request, std::function<nlohmann::json(sfu::Router&)> work,
               std::function<void(PeerSession&, nlohmann::json)> done);

  void getRouterRtpCapabilities(const Request& request);
  void join(const Request& request);
  void leave(const Request& request);
  void createWebRtcTransport(const Request& request);
  void connectWebRtcTransport(const Request& request);
  void produce(const Request& request);
  void pauseProducer(const Request& request);
  void resumeProducer(const Request& request);
  void setProducerPaused(const Request& request, bool paused);
  void closeProducer(const Request& request);
  void consume(const Request& request);
  void resumeConsumer(const Request& request);
  void pauseConsumer(const Request& request);
  void chat(const Request& request);

  void leaveRoom();

  boost::asio::io_context& signalingIo_;
  RoomDirectory& directory_;
  MessageChannel& channel_;
  TokenBucket rateLimit_;
  std::shared_ptr<Room> room_;
  std::string peerId_;
  std::string displayName_;
  nlohmann::json rtpCapabilities_;
  uint64_t chatCounter_ = 0;
};

// Notifies the room about what a Router::CloseReport says was closed.
void announceClosed(Room& room, const sfu::Router::CloseReport& report);

}  // namespace jb::signaling
