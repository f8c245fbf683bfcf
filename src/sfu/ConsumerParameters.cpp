#include "sfu/ConsumerParameters.hpp"

#include <algorithm>

#include "common/RequestError.hpp"
#include "sfu/RouterCapabilities.hpp"

namespace jb::sfu {

using common::RequestError;
using nlohmann::json;

namespace {

bool receiverHasCodec(const json& caps, const RtpCodec& codec) {
  auto codecs = caps.find("codecs");
  if (codecs == caps.end() || !codecs->is_array()) return false;
  for (const json& c : *codecs) {
    if (!c.is_object() || !c.contains("mimeType") || !c["mimeType"].is_string()) continue;
    if (mimeTypeEquals(c["mimeType"].get<std::string>(), codec.mimeType)) return true;
  }
  return false;
}

// mediasoup-client (ortc.getExtendedRtpCapabilities) pairs an RTX codec with its media codec by
// `parameters.apt === payloadType`, a number; its receive capabilities name the router's types.
bool receiverHasRtxFor(const json& caps, uint8_t payloadType) {
  auto codecs = caps.find("codecs");
  if (codecs == caps.end() || !codecs->is_array()) return false;
  for (const json& c : *codecs) {
    if (!c.is_object() || !c.contains("mimeType") || !c["mimeType"].is_string()) continue;
    if (!mimeTypeEquals(c["mimeType"].get<std::string>(), "video/rtx")) continue;
    auto params = c.find("parameters");
    if (params == c.end() || !params->is_object()) continue;
    auto apt = params->find("apt");
    if (apt != params->end() && apt->is_number_integer() && apt->get<int64_t>() == payloadType) return true;
  }
  return false;
}

bool receiverHasExtension(const json& caps, const std::string& extUri, MediaKind kind) {
  auto exts = caps.find("headerExtensions");
  if (exts == caps.end() || !exts->is_array()) return false;
  for (const json& e : *exts) {
    if (!e.is_object() || !e.contains("uri") || !e["uri"].is_string()) continue;
    if (e["uri"] == extUri && (!e.contains("kind") || e["kind"] == toString(kind))) return true;
  }
  return false;
}

// mid and rid identify the *sender's* m-section and layer; a receiver demuxes by our SSRC instead,
// so forwarding them would only mislead it. The sender's transport-wide sequence numbers describe its
// own transport, not ours; a receiver given them would answer with transport-cc instead of REMB.
bool forwardableExtension(const std::string& extUri) {
  return extUri != uri::kMid && extUri != uri::kRid && extUri != uri::kRepairedRid &&
         extUri != uri::kTransportWideCc;
}

// Consumers of video: REMB from the receiver, never transport-cc (we do not run send-side estimation
// towards receivers, so its feedback would be wasted and would silence REMB).
void setConsumerFeedback(RtpCodec& codec, MediaKind kind) {
  std::erase_if(codec.rtcpFeedback, [](const RtcpFeedback& fb) { return fb.type == "transport-cc"; });
  if (kind != MediaKind::Video) return;
  bool hasRemb = std::any_of(codec.rtcpFeedback.begin(), codec.rtcpFeedback.end(),
                             [](const RtcpFeedback& fb) { return fb.type == "goog-remb"; });
  if (!hasRemb) codec.rtcpFeedback.push_back({"goog-remb", ""});
}

// "L1T3" -> 3; 1 when absent or unreadable.
size_t temporalLayersOf(const std::string& scalabilityMode) {
  auto t = scalabilityMode.find('T');
  if (t == std::string::npos || t + 1 >= scalabilityMode.size()) return 1;
  const char c = scalabilityMode[t + 1];
  return c >= '1' && c <= '9' ? static_cast<size_t>(c - '0') : 1;
}

}  // namespace

const RtpCodec& primaryMediaCodec(const RtpParameters& producer) {
  for (const RtpCodec& c : producer.codecs)
    if (isMediaCodec(c.mimeType)) return c;
  throw RequestError("invalid_request", "rtpParameters.codecs: no media codec");
}

ConsumerParameters buildConsumerParameters(MediaKind kind, const RtpParameters& producer,
                                           const json& receiverCaps, uint32_t ssrc, uint32_t rtxSsrc) {
  const RtpCodec& sent = primaryMediaCodec(producer);
  auto routerCodec = matchRouterCodec(sent);
  if (!routerCodec) throw RequestError("unsupported", "codec " + sent.mimeType + " not supported by router");
  if (!receiverHasCodec(receiverCaps, *routerCodec))
    throw RequestError("unsupported", "receiver cannot decode " + sent.mimeType);

  ConsumerParameters out;
  out.producerPayloadType = sent.payloadType;
  out.payloadType = routerCodec->payloadType;
  out.clockRate = routerCodec->clockRate;
  out.ssrc = ssrc;
  out.rtpParameters.codecs.push_back(*routerCodec);
  setConsumerFeedback(out.rtpParameters.codecs.back(), kind);
  std::optional<uint32_t> encodingRtxSsrc;
  if (auto rtx = routerRtxCodec(*routerCodec);
      rtx && rtxSsrc != 0 && rtxSsrc != ssrc && receiverHasRtxFor(receiverCaps, routerCodec->payloadType)) {
    // mediasoup-client's reduceCodecs() expects the RTX codec right after its media codec.
    out.rtpParameters.codecs.push_back(*rtx);
    out.rtxPayloadType = rtx->payloadType;
    out.rtxSsrc = rtxSsrc;
    encodingRtxSsrc = rtxSsrc;
  }
  RtpEncoding encoding;
  encoding.ssrc = ssrc;
  encoding.rtxSsrc = encodingRtxSsrc;
  if (kind == MediaKind::Video && producer.encodings.size() > 1) {
    out.spatialLayers = producer.encodings.size();
    encoding.scalabilityMode = "L" + std::to_string(out.spatialLayers) + "T" +
                               std::to_string(temporalLayersOf(producer.encodings.front().scalabilityMode));
  }
  out.rtpParameters.encodings.push_back(std::move(encoding));
  out.rtpParameters.cname = producer.cname;

  for (const RtpHeaderExtension& ext : producer.headerExtensions) {
    if (!forwardableExtension(ext.uri) || !receiverHasExtension(receiverCaps, ext.uri, kind)) continue;
    uint8_t id = routerExtensionId(kind, ext.uri);
    if (id == 0) continue;
    out.extensionIdMap[ext.id] = id;
    out.rtpParameters.headerExtensions.push_back({ext.uri, id});
    if (ext.uri == uri::kAbsSendTime) out.absSendTimeId = id;
  }
  return out;
}

}  // namespace jb::sfu
