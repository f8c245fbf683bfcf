// PeerSession's live-translation requests (docs/protocol.md, "Translation").
#include "signaling/PeerSession.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/TranslationBridge.hpp"

namespace jb::signaling {

using nlohmann::json;

json PeerSession::translationCapabilities() const {
  if (const auto* bridge = directory_.translation()) return bridge->capabilities();
  return {{"speechLanguages", json::array()},
          {"captionLanguages", json::array()},
          {"voices", json::array()},
          {"allLanguages", json::array()},
          {"note", "Live translation is turned off on this server."}};
}

void PeerSession::getTranslationCapabilities(const Request& request) {
  respond(request.id, translationCapabilities());
}

void PeerSession::setLanguages(const Request& request) {
  Room::Languages languages = TranslationBridge::parseLanguages(request.data);
  if (auto* member = room_->findMember(peerId_)) member->languages = languages;
  respond(request.id, json::object());
  if (auto* bridge = directory_.translation())
    bridge->languagesChanged(room_, peerId_);
  else
    room_->notifyAll("peerLanguages",
                     {{"peerId", peerId_},
                      {"speak", languages.speak},
                      {"captions", languages.captions},
                      {"voice", languages.voice}},
                     peerId_);
}

void PeerSession::getTranscript(const Request& request) {
  respond(request.id, {{"entries", room_->transcript()}});
}

}  // namespace jb::signaling
