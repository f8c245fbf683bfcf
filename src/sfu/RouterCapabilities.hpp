#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sfu/RtpParameters.hpp"

namespace jb::sfu {

// What every router accepts and sends: the codecs and RTP header extensions the browser negotiates
// against (mediasoup-client's RtpCapabilities). Payload types and extension ids here are the ones
// consumers see; producers keep whatever the browser picked, and consumers rewrite.
const nlohmann::json& routerRtpCapabilities();

// The router codec a producer's codec maps to (same mime type; for H264 also the same
// packetization-mode and profile), or nullopt if the router does not carry it.
std::optional<RtpCodec> matchRouterCodec(const RtpCodec& codec);

// The router's video/rtx codec (RFC 4588) whose apt is `routerCodec`'s payload type, or nullopt.
std::optional<RtpCodec> routerRtxCodec(const RtpCodec& routerCodec);

// The router's extension id for `uri` on `kind`, or 0.
uint8_t routerExtensionId(MediaKind kind, const std::string& uri);

namespace uri {
inline constexpr const char* kMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr const char* kRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr const char* kRepairedRid = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
inline constexpr const char* kAbsSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr const char* kAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr const char* kVideoOrientation = "urn:3gpp:video-orientation";
inline constexpr const char* kTimeOffset = "urn:ietf:params:rtp-hdrext:toffset";
inline constexpr const char* kTransportWideCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
}  // namespace uri

}  // namespace jb::sfu
