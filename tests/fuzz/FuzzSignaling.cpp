// libFuzzer target: one WebSocket text frame through the signaling request path, without sockets or
// rooms: envelope parsing, the method's declarative schema, and, for requests that carry them, the
// RTP parameters and capabilities the SFU derives producers and consumers from.
//
// common::RequestError is the expected way to reject input (it becomes an error response). Any other
// exception escapes and aborts: the server would answer "internal" at best.

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "common/RequestError.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/RouterCapabilities.hpp"
#include "sfu/RtpParameters.hpp"
#include "signaling/Envelope.hpp"
#include "signaling/RequestSchema.hpp"
#include "signaling/TranslationBridge.hpp"

namespace {

using nlohmann::json;
namespace sfu = jb::sfu;
namespace signaling = jb::signaling;

// Producers a joining client may later consume, to exercise its capabilities.
const sfu::RtpParameters& vp8Producer() {
  static const sfu::RtpParameters p = sfu::parseRtpParameters(json::parse(R"({
    "mid": "0",
    "codecs": [{"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000,
                "rtcpFeedback": [{"type": "nack"}, {"type": "nack", "parameter": "pli"}]},
               {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96}}],
    "headerExtensions": [{"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4},
                         {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2},
                         {"uri": "urn:3gpp:video-orientation", "id": 13}],
    "encodings": [{"ssrc": 1111, "rtx": {"ssrc": 2222}}],
    "rtcp": {"cname": "fuzz"}})"));
  return p;
}

const sfu::RtpParameters& opusProducer() {
  static const sfu::RtpParameters p = sfu::parseRtpParameters(json::parse(R"({
    "codecs": [{"mimeType": "audio/opus", "payloadType": 111, "clockRate": 48000, "channels": 2,
                "parameters": {"minptime": 10, "useinbandfec": 1}}],
    "headerExtensions": [{"uri": "urn:ietf:params:rtp-hdrext:ssrc-audio-level", "id": 1}],
    "encodings": [{"ssrc": 3333}]})"));
  return p;
}

// Router::produce and Router::consume, minus the router.
void produceAndConsume(const json& data) {
  const sfu::MediaKind kind = sfu::parseMediaKind(data.at("kind").get<std::string>());
  const sfu::RtpParameters producer = sfu::parseRtpParameters(data.at("rtpParameters"));
  (void)signaling::makeResponse(1, sfu::toJson(producer));
  const sfu::RtpCodec& codec = sfu::primaryMediaCodec(producer);
  if ((kind == sfu::MediaKind::Audio) != codec.mimeType.starts_with("audio/") ||
      !sfu::matchRouterCodec(codec))
    return;  // Router::produce rejects it as unsupported
  // Receivers that can decode anything the router sends.
  const sfu::ConsumerParameters consumer =
      sfu::buildConsumerParameters(kind, producer, sfu::routerRtpCapabilities(), 0x12345678);
  if (consumer.rtpParameters.codecs.size() != 1 || consumer.ssrc != 0x12345678) std::abort();
  for (const auto& ext : consumer.rtpParameters.headerExtensions)
    if (ext.id == 0) std::abort();
  (void)signaling::makeResponse(1, sfu::toJson(consumer.rtpParameters));
}

// A joining client's capabilities are what every later consume() is checked against.
void consumeWithClientCapabilities(const json& capabilities) {
  if (!capabilities.contains("codecs") || !capabilities["codecs"].is_array()) return;  // PeerSession::join
  for (const auto& [kind, producer] : {std::pair{sfu::MediaKind::Video, &vp8Producer()},
                                       std::pair{sfu::MediaKind::Audio, &opusProducer()}}) {
    try {
      const auto consumer = sfu::buildConsumerParameters(kind, *producer, capabilities, 1);
      (void)signaling::makeResponse(1, sfu::toJson(consumer.rtpParameters));
    } catch (const jb::common::RequestError&) {
      // "unsupported" for this kind; try the other
    }
  }
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string code, message;
  json idForError;
  const auto request = signaling::parseRequest(text, code, message, idForError);
  if (!request) {
    if (code.empty() || message.empty()) std::abort();
    (void)signaling::makeErrorResponse(idForError, code, message);
    return 0;
  }
  const signaling::MethodSchema* schema = signaling::findMethodSchema(request->method);
  if (!schema) {
    (void)signaling::makeErrorResponse(request->id, "unknown_method",
                                       "unknown method '" + request->method + "'");
    return 0;
  }
  try {
    signaling::validateRequestData(*schema, request->data);
    // The schema guarantees the fields' types for the method that owns them.
    if (request->method == "produce") produceAndConsume(request->data);
    if (request->method == "join") consumeWithClientCapabilities(request->data["rtpCapabilities"]);
    // Language choices (join's optional `languages`, setLanguages) are checked by the translation bridge.
    if (request->method == "setLanguages") (void)signaling::TranslationBridge::parseLanguages(request->data);
    if (request->method == "join" && request->data.contains("languages"))
      (void)signaling::TranslationBridge::parseLanguages(request->data["languages"]);
  } catch (const jb::common::RequestError& e) {
    (void)signaling::makeErrorResponse(request->id, e.code(), e.what());
  }
  return 0;
}
