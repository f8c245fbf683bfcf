#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "sfu/RtpParameters.hpp"

namespace jb::sfu {

// How one producer's packets become one consumer's packets: the parameters handed to
// mediasoup-client's `transport.consume()` plus the rewrite tables the Consumer applies per packet.
struct ConsumerParameters {
  RtpParameters rtpParameters;      // what the receiving browser is told
  uint8_t producerPayloadType = 0;  // media codec PT as the sender uses it
  uint8_t payloadType = 0;          // the same codec as the receiver knows it
  uint32_t clockRate = 0;
  uint32_t ssrc = 0;
  // RFC 4588 retransmissions, when the receiver negotiated video/rtx for our codec; 0 otherwise.
  uint8_t rtxPayloadType = 0;
  uint32_t rtxSsrc = 0;
  std::array<uint8_t, 256> extensionIdMap{};  // producer ext id -> consumer ext id (0: strip)
  // The consumer's id for abs-send-time, rewritten with our send time on every packet so the receiver's
  // delay-based bandwidth estimator (and its REMB) measures the path from us; 0 when not negotiated.
  uint8_t absSendTimeId = 0;
  // Simulcast: the producer's encodings, one spatial layer each (lowest first); 1 for a single stream.
  size_t spatialLayers = 1;
};

// Throws RequestError("unsupported") when the receiver's capabilities lack the producer's codec.
// `rtxSsrc` (nonzero) is used if both the router and the receiver have RTX for the codec.
// A simulcast producer (several encodings) becomes one encoding with scalabilityMode "L<n>T<t>".
// Video consumers get goog-remb and never transport-cc: the receiver then estimates the downlink
// itself and reports it in REMB (docs/media.md).
ConsumerParameters buildConsumerParameters(MediaKind kind, const RtpParameters& producer,
                                           const nlohmann::json& receiverRtpCapabilities, uint32_t ssrc,
                                           uint32_t rtxSsrc = 0);

// The producer's media codec (the first one that is not RTX/RED/FEC). Throws RequestError.
const RtpCodec& primaryMediaCodec(const RtpParameters& producer);

}  // namespace jb::sfu
