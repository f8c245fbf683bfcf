#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace jb::sfu {

enum class MediaKind { Audio, Video };
MediaKind parseMediaKind(const std::string& kind);  // throws RequestError
const char* toString(MediaKind kind);

// The subset of mediasoup-client's RtpParameters (lib/RtpParameters.d.ts) the SFU acts on.
struct RtcpFeedback {
  std::string type;
  std::string parameter;
};

struct RtpCodec {
  std::string mimeType;  // "video/VP8"
  uint8_t payloadType = 0;
  uint32_t clockRate = 0;
  uint8_t channels = 0;  // audio only; 0 = absent
  nlohmann::json parameters = nlohmann::json::object();
  std::vector<RtcpFeedback> rtcpFeedback;
};

struct RtpHeaderExtension {
  std::string uri;
  uint8_t id = 0;
};

struct RtpEncoding {
  std::optional<uint32_t> ssrc;
  std::optional<uint32_t> rtxSsrc;
  std::string rid;              // RFC 8851 restriction id (simulcast by rid); empty: none
  std::string scalabilityMode;  // e.g. "L1T3" (W3C webrtc-svc); empty: none
};

struct RtpParameters {
  std::string mid;
  std::vector<RtpCodec> codecs;
  std::vector<RtpHeaderExtension> headerExtensions;
  std::vector<RtpEncoding> encodings;
  std::string cname;
};

// Both throw common::RequestError("invalid_request", "<field>: <why>") on malformed input.
RtpParameters parseRtpParameters(const nlohmann::json& json);
nlohmann::json toJson(const RtpParameters& parameters);
nlohmann::json toJson(const RtpCodec& codec);

bool isMediaCodec(const std::string& mimeType);                   // false for rtx, red, ulpfec, flexfec
bool mimeTypeEquals(const std::string& a, const std::string& b);  // case-insensitive

}  // namespace jb::sfu
