#include "signaling/TranslationBridge.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <set>

#include "common/RequestError.hpp"
#include "signaling/PeerSession.hpp"
#include "signaling/RoomDirectory.hpp"
#include "translation/mt/LanguageNames.hpp"

namespace jb::signaling {

using common::RequestError;
using nlohmann::json;

namespace {

// A room's transcript is bounded so a day-long room cannot grow the server without end.
constexpr size_t kMaxTranscriptEntries = 5000;

json translationJson(const std::string& language, const translation::TranslatedText& text) {
  return {{"language", language}, {"text", text.text}, {"via", text.via}};
}

std::string languageField(const json& languages, const char* name) {
  auto it = languages.find(name);
  if (it == languages.end()) return {};
  if (!it->is_string())
    throw RequestError("invalid_request", std::string("data.languages.") + name + ": expected string");
  const std::string& code = it->get_ref<const std::string&>();
  // ISO 639-1/639-3 codes, optionally with a region: short and plain, never free text.
  bool plain = code.size() <= 8 && std::all_of(code.begin(), code.end(), [](char c) {
                 return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
               });
  if (!plain)
    throw RequestError("invalid_request",
                       std::string("data.languages.") + name + ": expected a language code");
  return code;
}

}  // namespace

TranslationBridge::TranslationBridge(boost::asio::io_context& signalingIo, RoomDirectory& directory,
                                     translation::TranslationService& service)
    : signalingIo_(signalingIo),
      directory_(directory),
      service_(service),
      capabilities_(buildCapabilities()) {}

TranslationBridge::~TranslationBridge() {
  chatPool_.join();
}

Room::Languages TranslationBridge::parseLanguages(const json& languages) {
  if (!languages.is_object()) throw RequestError("invalid_request", "data.languages: expected object");
  Room::Languages out;
  out.speak = languageField(languages, "speak");
  out.captions = languageField(languages, "captions");
  if (auto voice = languages.find("voice"); voice != languages.end()) {
    if (!voice->is_boolean()) throw RequestError("invalid_request", "data.languages.voice: expected boolean");
    out.voice = voice->get<bool>();
  }
  return out;
}

json TranslationBridge::buildCapabilities() const {
  auto& engines = service_.engines();
  auto named = [](const std::string& code) {
    return json{{"code", code},
                {"name", translation::LanguageNames::englishName(code)},
                {"nativeName", translation::LanguageNames::nativeName(code)}};
  };
  json speech = json::array();
  std::set<std::string> captionCodes;
  for (const std::string& code : engines.recognizers.languages()) {
    speech.push_back(named(code));
    captionCodes.insert(code);
    for (const std::string& target : engines.translator.targetsFrom(code)) captionCodes.insert(target);
  }
  const std::string firstSpeech =
      engines.recognizers.languages().empty() ? std::string() : engines.recognizers.languages().front();
  json captions = json::array();
  json voices = json::array();
  for (const std::string& code : captionCodes) {
    json entry = named(code);
    if (!firstSpeech.empty())
      if (auto route = engines.translator.route(firstSpeech, code); route && !route->via.empty())
        entry["via"] = route->via;
    captions.push_back(entry);
    if (const auto* engine = engines.voices.engineFor(code))
      voices.push_back({{"language", code}, {"engine", engine->name()}});
  }
  std::set<std::string> all(captionCodes);
  for (const std::string& code : engines.translator.languages()) all.insert(code);
  json allLanguages = json::array();
  for (const std::string& code : all) allLanguages.push_back(named(code));
  return {{"speechLanguages", speech},
          {"captionLanguages", captions},
          {"voices", voices},
          {"allLanguages", allLanguages},
          {"note",
           "Offline engines: speech recognition understands English only (pocketsphinx); translation covers "
           "the installed Apertium pairs, and languages marked \"via\" are translated through Spanish or "
           "English; translated voices use flite (English) and espeak-ng. Chinese, Japanese, Vietnamese and "
           "most non-European languages need another engine plugged in."}};
}

void TranslationBridge::peerJoined(const std::shared_ptr<Room>& room, const std::string& peerId) {
  publishLanguages(*room, peerId);
  reconcileVoices(room);
}

void TranslationBridge::languagesChanged(const std::shared_ptr<Room>& room, const std::string& peerId) {
  publishLanguages(*room, peerId);
  if (const auto* member = room->findMember(peerId))
    room->notifyAll("peerLanguages",
                    {{"peerId", peerId},
                     {"speak", member->languages.speak},
                     {"captions", member->languages.captions},
                     {"voice", member->languages.voice}},
                    peerId);
  reconcileVoices(room);
}

void TranslationBridge::peerLeft(Room& room, const std::string& peerId) {
  service_.rooms().removePeer(room.id(), peerId);
}

void TranslationBridge::audioProduced(const std::shared_ptr<Room>& room) {
  reconcileVoices(room);
}

void TranslationBridge::publishLanguages(Room& room, const std::string& peerId) {
  if (const auto* member = room.findMember(peerId))
    service_.rooms().setPeer(room.id(), peerId, member->displayName,
                             {member->languages.speak, member->languages.captions, member->languages.voice});
}

bool TranslationBridge::canVoice(const std::string& from, const std::string& to) const {
  auto& engines = service_.engines();
  auto speech = engines.recognizers.languages();
  return from != to && std::find(speech.begin(), speech.end(), from) != speech.end() &&
         engines.translator.route(from, to) && engines.voices.canSpeak(to);
}

void TranslationBridge::reconcileVoices(const std::shared_ptr<Room>& room) {
  for (const auto& [speakerId, speaker] : room->members()) {
    bool hasMic = std::any_of(speaker.producers.begin(), speaker.producers.end(),
                              [](const auto& p) { return p.second.source == "mic"; });
    if (!hasMic) continue;
    for (const auto& [listenerId, listener] : room->members()) {
      const std::string& language = listener.languages.captions;
      if (listenerId == speakerId || !listener.languages.voice || language.empty()) continue;
      if (!canVoice(speaker.languages.speak, language)) continue;
      Room::VoiceKey key{speakerId, language};
      if (room->voiceProducers().contains(key)) continue;
      room->voiceProducers()[key] = "";  // being created
      sfu::Worker& worker = room->worker();
      worker.post([&worker, &io = signalingIo_, room, key] {
        sfu::Router* router = worker.findRouter(room->id());
        if (!router) return;
        auto info = router->createSynthesizedProducer(key.first, key.second);
        boost::asio::post(io, [&worker, room, key, info] {
          auto* owner = room->findMember(key.first);
          auto slot = room->voiceProducers().find(key);
          if (!owner || slot == room->voiceProducers().end()) {
            // The speaker left meanwhile: their media is being closed; make sure this one goes too.
            worker.post([&worker, room, info] {
              if (sfu::Router* r = worker.findRouter(room->id())) {
                try {
                  r->closeProducer(info.peerId, info.id);
                } catch (const std::exception&) {
                }
              }
            });
            return;
          }
          slot->second = info.id;
          Room::ProducerInfo producer{info.id, "audio", "translation", false, info.language};
          owner->producers[info.id] = producer;
          room->notifyAll("newProducer", Room::describeProducer(key.first, producer), key.first);
        });
      });
    }
  }
}

void TranslationBridge::onCaption(translation::CaptionEvent caption) {
  boost::asio::post(signalingIo_, [this, caption = std::move(caption)] { deliverCaption(caption); });
}

void TranslationBridge::onSynthesizedSpeech(translation::SynthesizedSpeech speech) {
  boost::asio::post(signalingIo_,
                    [this, speech = std::move(speech)]() mutable { playSpeech(std::move(speech)); });
}

void TranslationBridge::deliverCaption(const translation::CaptionEvent& caption) {
  auto room = directory_.findRoom(caption.roomId);
  if (!room) return;
  json base = {{"utteranceId", caption.utteranceId}, {"speakerPeerId", caption.speakerPeerId},
               {"speakerName", caption.speakerName}, {"final", caption.final},
               {"language", caption.language},       {"text", caption.text},
               {"timestamp", caption.timestampMs}};
  for (const auto& [peerId, member] : room->members()) {
    json event = base;
    const std::string& wanted = member.languages.captions;
    if (!wanted.empty() && wanted != caption.language)
      if (auto it = caption.translations.find(wanted); it != caption.translations.end())
        event["translation"] = translationJson(wanted, it->second);
    room->notifyPeer(peerId, "caption", event);
  }
  if (!caption.final) return;
  json translations = json::object();
  for (const auto& [language, text] : caption.translations)
    translations[language] = {{"text", text.text}, {"via", text.via}};
  json entry = base;
  entry.erase("final");
  entry["translations"] = std::move(translations);
  auto& transcript = room->transcript();
  if (transcript.size() >= kMaxTranscriptEntries) transcript.erase(transcript.begin());
  transcript.push_back(std::move(entry));
}

void TranslationBridge::playSpeech(translation::SynthesizedSpeech speech) {
  auto room = directory_.findRoom(speech.roomId);
  if (!room) return;
  auto slot = room->voiceProducers().find({speech.speakerPeerId, speech.language});
  if (slot == room->voiceProducers().end() || slot->second.empty()) {
    reconcileVoices(room);  // ready for the next utterance; this one has no producer to play on
    return;
  }
  sfu::Worker& worker = room->worker();
  worker.post([&worker, roomId = room->id(), producerId = slot->second,
               frames = std::move(speech.opusFrames)]() mutable {
    if (sfu::Router* router = worker.findRouter(roomId))
      router->playSynthesized(producerId, std::move(frames));
  });
}

void TranslationBridge::deliverChat(const std::shared_ptr<Room>& room, const std::string& senderPeerId,
                                    json message) {
  const auto* sender = room->findMember(senderPeerId);
  const std::string from = sender ? sender->languages.speak : std::string();
  message["language"] = from;
  std::set<std::string> targets;
  if (!from.empty())
    for (const auto& [peerId, member] : room->members()) {
      const std::string& to = member.languages.captions;
      if (peerId != senderPeerId && !to.empty() && to != from &&
          service_.engines().translator.route(from, to))
        targets.insert(to);
    }
  auto deliver = [room, senderPeerId](const json& message,
                                      const std::map<std::string, translation::TranslatedText>& translated) {
    for (const auto& [peerId, member] : room->members()) {
      if (peerId == senderPeerId) continue;
      json out = message;
      if (auto it = translated.find(member.languages.captions); it != translated.end())
        out["translation"] = translationJson(it->first, it->second);
      room->notifyPeer(peerId, "chat", out);
    }
  };
  if (targets.empty()) {
    deliver(message, {});
    return;
  }
  boost::asio::post(chatPool_, [this, from, targets, message = std::move(message), deliver]() mutable {
    std::map<std::string, translation::TranslatedText> translated;
    for (const std::string& to : targets) {
      try {
        auto result = service_.engines().translator.translate(from, to, message["text"].get<std::string>());
        translated[to] = {std::move(result.text), std::move(result.via)};
      } catch (const std::exception& e) {
        spdlog::warn("[translation] chat {}->{} failed: {}", from, to, e.what());
      }
    }
    boost::asio::post(signalingIo_, [message = std::move(message), translated = std::move(translated),
                                     deliver] { deliver(message, translated); });
  });
}

}  // namespace jb::signaling
