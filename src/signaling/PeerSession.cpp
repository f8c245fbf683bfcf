#include "signaling/PeerSession.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>

#include "common/Random.hpp"
#include "common/RequestError.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "signaling/ActiveSpeakerBridge.hpp"
#include "signaling/PeerDeparture.hpp"
#include "signaling/RequestSchema.hpp"
#include "signaling/TranslationBridge.hpp"
#include "signaling/TurnCredentials.hpp"

namespace jb::signaling {

using common::RequestError;
using nlohmann::json;

namespace {
// Wrong room passcodes one connection may try before it is closed.
constexpr int kMaxWrongPasscodes = 5;

json toJson(const sfu::Router::ProducerInfo& p) {
  return {{"id", p.id},
          {"peerId", p.peerId},
          {"kind", sfu::toString(p.kind)},
          {"source", p.source},
          {"paused", p.paused}};
}
}  // namespace

PeerSession::PeerSession(boost::asio::io_context& signalingIo, RoomDirectory& directory,
                         MessageChannel& channel, std::shared_ptr<const AccessPolicy> access)
    : signalingIo_(signalingIo),
      directory_(directory),
      channel_(channel),
      rateLimit_(directory.limits().messagesPerSecond, directory.limits().messageBurst),
      errorBudget_(directory.limits().abuseErrorLimit, directory.limits().abuseWindow),
      access_(access ? std::move(access) : installedAccessPolicy(signalingIo)) {}

PeerSession::~PeerSession() {
  leaveRoom();
}

const std::unordered_map<std::string, PeerSession::Handler>& PeerSession::handlers() {
  static const std::unordered_map<std::string, Handler> table = {
      {"getRouterRtpCapabilities", &PeerSession::getRouterRtpCapabilities},
      {"join", &PeerSession::join},
      {"resume", &PeerSession::resume},
      {"leave", &PeerSession::leave},
      {"createWebRtcTransport", &PeerSession::createWebRtcTransport},
      {"connectWebRtcTransport", &PeerSession::connectWebRtcTransport},
      {"restartIce", &PeerSession::restartIce},
      {"produce", &PeerSession::produce},
      {"pauseProducer", &PeerSession::pauseProducer},
      {"resumeProducer", &PeerSession::resumeProducer},
      {"closeProducer", &PeerSession::closeProducer},
      {"consume", &PeerSession::consume},
      {"resumeConsumer", &PeerSession::resumeConsumer},
      {"pauseConsumer", &PeerSession::pauseConsumer},
      {"setConsumerPreferredLayers", &PeerSession::setConsumerPreferredLayers},
      {"chat", &PeerSession::chat},
      {"getTranslationCapabilities", &PeerSession::getTranslationCapabilities},
      {"setLanguages", &PeerSession::setLanguages},
      {"getTranscript", &PeerSession::getTranscript},
  };
  return table;
}

void PeerSession::handleText(const std::string& text) {
  std::string code, message;
  json idForError;
  auto request = parseRequest(text, code, message, idForError);
  directory_.metrics().countRequest(request ? request->method : std::string());
  if (!request) {
    respondError(idForError, code, message);
    return;
  }
  const std::string& method = request->method;
  if (!rateLimit_.take()) {
    directory_.metrics().countLimitRejection("message_rate");
    respondError(request->id, "rate_limited", "too many messages; slow down", method);
    return;
  }
  const MethodSchema* schema = findMethodSchema(method);
  auto handler = handlers().find(method);
  if (!schema || handler == handlers().end()) {
    respondError(request->id, "unknown_method", "unknown method '" + method + "'", method);
    return;
  }
  if (schema->needsJoin && !joined()) {
    respondError(request->id, "not_joined", method + " requires join first", method);
    return;
  }
  try {
    validateRequestData(*schema, request->data);
    (this->*(handler->second))(*request);
  } catch (const RequestError& e) {
    respondError(request->id, e.code(), e.what(), method);
  } catch (const std::exception& e) {
    spdlog::error("[signaling] room={} peer={} method={} failed: {}", room_ ? room_->id() : "-",
                  peerId_.empty() ? "-" : peerId_, method, e.what());
    respondError(request->id, "internal", "internal error", method);
  }
}

void PeerSession::respond(const json& id, const json& data) {
  channel_.send(makeResponse(id, data));
}

void PeerSession::respondError(const json& id, const std::string& code, const std::string& message,
                               const std::string& method) {
  directory_.metrics().countError(method, code);
  channel_.send(makeErrorResponse(id, code, message));
  // A working client never gets these; one that keeps getting them is broken or hostile.
  if (!terminated_ && (code == "bad_json" || code == "invalid_request" || code == "rate_limited") &&
      errorBudget_.spend()) {
    directory_.metrics().countServerClose("abuse");
    spdlog::warn("[signaling] room={} peer={} closing session: {} errors (last: {}) within {}s",
                 room_ ? room_->id() : "-", peerId_.empty() ? "-" : peerId_,
                 directory_.limits().abuseErrorLimit, code,
                 std::chrono::duration_cast<std::chrono::seconds>(directory_.limits().abuseWindow).count());
    terminate(CloseCode::PolicyViolation, "too many invalid or rate-limited requests");
  }
}

void PeerSession::terminate(CloseCode code, const std::string& reason) {
  if (terminated_) return;
  terminated_ = true;
  leaveRoom();
  channel_.closeWith(code, reason);
}

void PeerSession::onMedia(const Request& request, std::function<json(sfu::Router&)> work,
                          std::function<void(PeerSession&, json)> done) {
  sfu::Worker& worker = room_->worker();
  worker.post([&worker, &io = signalingIo_, roomId = room_->id(), id = request.id, method = request.method,
               peerId = peerId_, work = std::move(work), done = std::move(done),
               weak = weak_from_this()]() mutable {
    auto reply = [&io, &weak, &id](std::function<void(PeerSession&)> f) {
      boost::asio::post(io, [weak, id, f = std::move(f)] {
        if (auto self = weak.lock()) f(*self);
      });
    };
    try {
      json result = work(worker.router(roomId));
      reply([done = std::move(done), result = std::move(result)](PeerSession& s) mutable {
        done(s, std::move(result));
      });
    } catch (const RequestError& e) {
      reply([id, method, code = e.code(), message = std::string(e.what())](PeerSession& s) {
        s.respondError(id, code, message, method);
      });
    } catch (const std::exception& e) {
      spdlog::error("[media] room={} peer={} method={} failed: {}", roomId, peerId, method, e.what());
      reply([id, method](PeerSession& s) { s.respondError(id, "internal", "internal error", method); });
    }
  });
}

void PeerSession::getRouterRtpCapabilities(const Request& request) {
  respond(request.id, {{"rtpCapabilities", sfu::routerRtpCapabilities()}});
}

void PeerSession::join(const Request& request) {
  if (joined()) throw RequestError("already_joined", "this connection already joined a room");
  const json& caps = request.data["rtpCapabilities"];
  if (!caps.contains("codecs") || !caps["codecs"].is_array())
    throw RequestError("invalid_request", "data.rtpCapabilities.codecs: expected array");
  const std::string roomId = request.data["roomId"].get<std::string>();
  auto token = request.data.find("token");
  AccessPolicy::Grant grant = access_->admit(roomId, token != request.data.end() && token->is_string()
                                                         ? &token->get_ref<const std::string&>()
                                                         : nullptr);
  auto room = directory_.joinRoom(roomId);
  checkPasscode(*room, request.data);
  room_ = std::move(room);
  peerId_ = common::randomToken(12);
  // A name signed into the token outranks the one the client sends.
  displayName_ =
      grant.displayName.empty() ? request.data["displayName"].get<std::string>() : grant.displayName;
  permissions_ = grant.permissions;
  rtpCapabilities_ = caps;
  Room::Languages languages;
  if (auto chosen = request.data.find("languages"); chosen != request.data.end())
    languages = TranslationBridge::parseLanguages(*chosen);
  json peers = room_->describePeers(peerId_);
  room_->addMember(peerId_, displayName_, *this, languages);
  // Lets a new socket take this peer over after a drop (PeerSessionResume.cpp); never logged.
  const std::string resumeToken =
      directory_.resumption().enabled() ? directory_.resumption().issue(peerId_, room_) : std::string();
  spdlog::info("[signaling] room={} peer={} joined name={} peers={}", room_->id(), peerId_,
               json(displayName_).dump(-1, ' ', false, json::error_handler_t::replace), room_->size());
  json response = {{"peerId", peerId_},
                   {"roomId", room_->id()},
                   {"displayName", displayName_},
                   {"permissions",
                    {{"publish", permissions_.publish},
                     {"subscribe", permissions_.subscribe},
                     {"chat", permissions_.chat}}},
                   {"peers", peers},
                   {"iceServers", directory_.turn() ? directory_.turn()->iceServers(
                                                          peerId_, std::chrono::system_clock::now())
                                                    : json::array()},
                   {"translation", translationCapabilities()}};
  if (!resumeToken.empty()) response["resumeToken"] = resumeToken;
  respond(request.id, response);
  room_->notifyAll(
      "peerJoined",
      {{"id", peerId_}, {"displayName", displayName_}, {"languages", Room::describeLanguages(languages)}},
      peerId_);
  // Someone is talking already: the newcomer highlights them at once, not on the next change.
  if (room_->activeSpeaker()) room_->notifyPeer(peerId_, "activeSpeaker", describeActiveSpeaker(*room_));
  if (auto* bridge = directory_.translation()) bridge->peerJoined(room_, peerId_);
}

void PeerSession::leave(const Request& request) {
  respond(request.id, json::object());
  leaveRoom();
  channel_.close();
}

void PeerSession::createWebRtcTransport(const Request& request) {
  onMedia(
      request, [peerId = peerId_](sfu::Router& r) { return r.createWebRtcTransport(peerId); },
      [id = request.id](PeerSession& s, json result) {
        if (auto* member = s.room_ ? s.room_->findMember(s.peerId_) : nullptr)
          member->transports.insert(result["id"].get<std::string>());
        s.respond(id, result);
      });
}

void PeerSession::connectWebRtcTransport(const Request& request) {
  onMedia(
      request,
      [peerId = peerId_, transportId = request.data["transportId"].get<std::string>(),
       dtls = request.data["dtlsParameters"]](sfu::Router& r) {
        r.connectWebRtcTransport(peerId, transportId, dtls);
        return json::object();
      },
      [id = request.id](PeerSession& s, json) { s.respond(id, json::object()); });
}

void PeerSession::restartIce(const Request& request) {
  // RFC 8445 §9: new ICE credentials on the same transport; DTLS, SRTP and every producer and consumer
  // on it stay. The client applies them with mediasoup-client's transport.restartIce().
  onMedia(
      request,
      [peerId = peerId_, transportId = request.data["transportId"].get<std::string>()](sfu::Router& r) {
        json result{{"iceParameters", r.restartIce(peerId, transportId)}};
        return result;
      },
      [id = request.id](PeerSession& s, json result) { s.respond(id, result); });
}

void PeerSession::produce(const Request& request) {
  requirePermission(permissions_.publish, "publish");
  std::string source;
  if (auto appData = request.data.find("appData");
      appData != request.data.end() && appData->contains("source")) {
    if (!(*appData)["source"].is_string())
      throw RequestError("invalid_request", "data.appData.source: expected string");
    source = (*appData)["source"].get<std::string>();
  }
  if (source.empty()) source = request.data["kind"] == "audio" ? "mic" : "webcam";
  if (source != "mic" && source != "webcam" && source != "screen")
    throw RequestError("invalid_request", "data.appData.source: expected mic|webcam|screen");
  onMedia(
      request,
      [peerId = peerId_, transportId = request.data["transportId"].get<std::string>(),
       kind = sfu::parseMediaKind(request.data["kind"]), rtp = request.data["rtpParameters"],
       source](sfu::Router& r) { return toJson(r.produce(peerId, transportId, kind, rtp, source)); },
      [id = request.id](PeerSession& s, json info) {
        if (auto* member = s.room_ ? s.room_->findMember(s.peerId_) : nullptr)
          member->producers[info["id"]] = {info["id"], info["kind"], info["source"], false, {}};
        s.respond(id, {{"id", info["id"]}});
        if (!s.room_) return;
        s.room_->notifyAll("newProducer", info, s.peerId_);
        if (auto* bridge = s.directory_.translation(); bridge && info["source"] == "mic")
          bridge->audioProduced(s.room_);
      });
}

void PeerSession::pauseProducer(const Request& request) {
  setProducerPaused(request, true);
}
void PeerSession::resumeProducer(const Request& request) {
  setProducerPaused(request, false);
}

void PeerSession::setProducerPaused(const Request& request, bool paused) {
  std::string producerId = request.data["producerId"];
  onMedia(
      request,
      [peerId = peerId_, producerId, paused](sfu::Router& r) {
        r.setProducerPaused(peerId, producerId, paused);
        return json::object();
      },
      [id = request.id, producerId, paused](PeerSession& s, json) {
        if (auto* member = s.room_ ? s.room_->findMember(s.peerId_) : nullptr)
          if (auto it = member->producers.find(producerId); it != member->producers.end())
            it->second.paused = paused;
        s.respond(id, json::object());
        if (s.room_)
          s.room_->notifyAll(paused ? "producerPaused" : "producerResumed",
                             {{"producerId", producerId}, {"peerId", s.peerId_}}, s.peerId_);
      });
}

void PeerSession::closeProducer(const Request& request) {
  auto report = std::make_shared<sfu::Router::CloseReport>();
  onMedia(
      request,
      [peerId = peerId_, producerId = request.data["producerId"].get<std::string>(), report](sfu::Router& r) {
        *report = r.closeProducer(peerId, producerId);
        return json::object();
      },
      [id = request.id, report](PeerSession& s, json) {
        s.respond(id, json::object());
        if (s.room_) announceClosed(*s.room_, *report);
      });
}

void PeerSession::consume(const Request& request) {
  requirePermission(permissions_.subscribe, "subscribe");
  onMedia(
      request,
      [peerId = peerId_, transportId = request.data["transportId"].get<std::string>(),
       producerId = request.data["producerId"].get<std::string>(),
       caps = rtpCapabilities_](sfu::Router& r) { return r.consume(peerId, transportId, producerId, caps); },
      [id = request.id](PeerSession& s, json result) {
        if (auto* member = s.room_ ? s.room_->findMember(s.peerId_) : nullptr)
          member->consumers.insert(result["id"].get<std::string>());
        s.respond(id, result);
      });
}

void PeerSession::resumeConsumer(const Request& request) {
  onMedia(
      request,
      [peerId = peerId_, consumerId = request.data["consumerId"].get<std::string>()](sfu::Router& r) {
        r.setConsumerPaused(peerId, consumerId, false);
        return json::object();
      },
      [id = request.id](PeerSession& s, json) { s.respond(id, json::object()); });
}

void PeerSession::pauseConsumer(const Request& request) {
  onMedia(
      request,
      [peerId = peerId_, consumerId = request.data["consumerId"].get<std::string>()](sfu::Router& r) {
        r.setConsumerPaused(peerId, consumerId, true);
        return json::object();
      },
      [id = request.id](PeerSession& s, json) { s.respond(id, json::object()); });
}

void PeerSession::setConsumerPreferredLayers(const Request& request) {
  std::optional<int> temporalLayer;
  if (auto t = request.data.find("temporalLayer"); t != request.data.end() && !t->is_null())
    temporalLayer = t->get<int>();
  onMedia(
      request,
      [peerId = peerId_, consumerId = request.data["consumerId"].get<std::string>(),
       spatialLayer = request.data["spatialLayer"].get<int>(), temporalLayer](sfu::Router& r) {
        r.setConsumerPreferredLayers(peerId, consumerId, spatialLayer, temporalLayer);
        return json::object();
      },
      [id = request.id](PeerSession& s, json) { s.respond(id, json::object()); });
}

void PeerSession::chat(const Request& request) {
  requirePermission(permissions_.chat, "chat");
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  std::string messageId = peerId_ + "-" + std::to_string(++chatCounter_);
  respond(request.id, {{"id", messageId}, {"timestamp", now}});
  json message = {{"id", messageId},
                  {"peerId", peerId_},
                  {"displayName", displayName_},
                  {"text", request.data["text"]},
                  {"timestamp", now}};
  if (auto* bridge = directory_.translation())
    bridge->deliverChat(room_, peerId_, std::move(message));
  else
    room_->notifyAll("chat", message, peerId_);
}

void PeerSession::requirePermission(bool allowed, const char* what) const {
  if (!allowed) throw RequestError("forbidden", std::string("your join token does not allow ") + what);
}

void PeerSession::checkPasscode(Room& room, const json& data) {
  auto given = data.find("passcode");
  const std::string* attempt =
      given != data.end() && given->is_string() ? &given->get_ref<const std::string&>() : nullptr;
  // Empty rooms are released at once, so an empty room here was just created by this join.
  if (room.size() == 0) {
    if (attempt) room.setPasscode(*attempt);
    return;
  }
  const Passcode* passcode = room.passcode();
  if (!passcode) return;
  if (!attempt) throw RequestError("passcode_required", "this room needs a passcode");
  if (wrongPasscodes_ < kMaxWrongPasscodes && passcode->matches(*attempt)) return;
  if (++wrongPasscodes_ >= kMaxWrongPasscodes) {
    spdlog::warn("[signaling] room={} closing session: {} wrong passcodes", room.id(), wrongPasscodes_);
    // After the error response below has been queued.
    boost::asio::post(signalingIo_, [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->terminate(CloseCode::PolicyViolation, "too many wrong passcodes");
    });
    throw RequestError("bad_passcode", "wrong passcode; too many attempts, closing the connection");
  }
  throw RequestError("bad_passcode", "wrong passcode");
}

void PeerSession::handleDisconnect() {
  // Without `leave` and not ended by the server (terminate): the client may come back and resume.
  if (room_ && !terminated_ && directory_.resumption().enabled())
    park();
  else
    leaveRoom();
}

void PeerSession::leaveRoom() {
  if (!room_) return;
  auto room = std::move(room_);
  room_.reset();
  departRoom(directory_, signalingIo_, std::move(room), peerId_);
}

void announceClosed(Room& room, const sfu::Router::CloseReport& report) {
  for (const auto& p : report.producers) {
    if (auto* member = room.findMember(p.peerId)) member->producers.erase(p.producerId);
    room.notifyAll("producerClosed", {{"producerId", p.producerId}, {"peerId", p.peerId}}, p.peerId);
  }
  for (const auto& c : report.consumers) {
    if (auto* member = room.findMember(c.peerId)) member->consumers.erase(c.consumerId);
    room.notifyPeer(c.peerId, "consumerClosed", {{"consumerId", c.consumerId}, {"producerId", c.producerId}});
  }
}

}  // namespace jb::signaling
