// libFuzzer target: RTP parse, extension lookup and id remapping, codec keyframe helpers, VP8 payload
// descriptor rewriting (simulcast), abs-send-time stamping, RTX (RFC 4588) wrap and unwrap.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "rtp/Demux.hpp"
#include "rtp/RtpPacket.hpp"
#include "rtp/Rtx.hpp"
#include "rtp/codecs/H264.hpp"
#include "rtp/codecs/Vp8.hpp"
#include "sfu/AbsSendTime.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using jb::rtp::RtpPacket;
  const std::span<const uint8_t> input(data, size);
  (void)jb::rtp::looksLikeRtp(input);
  (void)jb::rtp::looksLikeRtcp(input);
  (void)jb::rtp::codecs::vp8IsKeyframe(input);
  (void)jb::rtp::codecs::h264IsKeyframe(input);

  std::vector<uint8_t> buffer(input.begin(), input.end());
  auto packet = RtpPacket::parse(buffer);
  if (!packet) return 0;

  const auto payload = packet->payload();
  if (packet->headerSize() + payload.size() + packet->paddingSize() != buffer.size()) std::abort();
  (void)jb::rtp::codecs::vp8IsKeyframe(payload);
  (void)jb::rtp::codecs::h264IsKeyframe(payload);
  // A simulcast consumer rewrites PictureID/TL0PICIDX in place; the descriptor must keep its shape.
  {
    std::vector<uint8_t> vp8(payload.begin(), payload.end());
    const auto before = jb::rtp::codecs::parseVp8Descriptor(vp8);
    jb::rtp::codecs::Vp8PictureRewriter rewriter;
    rewriter.rewrite(vp8, false);
    rewriter.markSwitch();
    rewriter.rewrite(vp8, false);
    rewriter.rewrite(vp8, true);
    const auto after = jb::rtp::codecs::parseVp8Descriptor(vp8);
    if (before.has_value() != after.has_value() || (before && before->size != after->size)) std::abort();
  }
  // Stamping abs-send-time (adding the element when missing) must leave a packet that parses, within
  // capacity.
  {
    std::vector<uint8_t> stamped(buffer.begin(), buffer.end());
    stamped.resize(buffer.size() + 16);
    const size_t length =
        jb::sfu::writeAbsSendTime(stamped.data(), buffer.size(), stamped.size(), 4, 0x123456);
    if (length > stamped.size() ||
        (length != buffer.size() && length != buffer.size() + 4 && length != buffer.size() + 8))
      std::abort();
    auto reparsedStamp = RtpPacket::parse(std::span<uint8_t>(stamped.data(), length));
    if (!reparsedStamp || reparsedStamp->payload().size() != payload.size()) std::abort();
  }
  for (size_t i = 0; i < packet->csrcCount(); ++i) (void)packet->csrc(i);
  // All one-byte ids plus a spread of two-byte ones; every id would make each run too slow.
  static constexpr uint8_t kIds[] = {0,  1,  2,  3,  4,  5,  6,  7,   8,   9,  10,
                                     11, 12, 13, 14, 15, 16, 17, 100, 200, 255};
  for (const uint8_t id : kIds) {
    if (const auto ext = packet->extension(id)) {
      if (ext->data() < buffer.data() || ext->data() + ext->size() > buffer.data() + packet->headerSize()) {
        std::abort();
      }
    }
  }

  // Derive an id map from the input so both remapping and zeroing are exercised.
  std::array<uint8_t, 256> idMap{};
  for (size_t i = 0; i < idMap.size(); ++i) idMap[i] = size > 0 ? data[(i * 7) % size] : 0;
  const size_t headerSize = packet->headerSize();
  packet->remapExtensionIds(idMap);
  packet->setSequenceNumber(static_cast<uint16_t>(packet->sequenceNumber() + 1));
  packet->setPayloadType(packet->payloadType());
  packet->setMarker(!packet->marker());
  // Remapping only rewrites bytes inside the extension block, so the packet must still parse the same.
  const auto reparsed = RtpPacket::parse(buffer);
  if (!reparsed || reparsed->headerSize() != headerSize) std::abort();
  for (const uint8_t id : kIds) (void)reparsed->extension(id);

  // Unwrapping what we wrapped gives the packet back, byte for byte once PT and SSRC are restored.
  std::vector<uint8_t> rtxBuffer(buffer.size() + jb::rtp::kRtxOsnSize);
  const size_t rtxLength = jb::rtp::wrapRtx(*reparsed, 97, 0x5eed, 1, rtxBuffer);
  if (rtxLength != rtxBuffer.size()) std::abort();
  auto rtx = RtpPacket::parse(rtxBuffer);
  if (!rtx) std::abort();
  auto original = jb::rtp::unwrapRtx(*rtx);
  if (!original) std::abort();
  original->setPayloadType(reparsed->payloadType());
  original->setSsrc(reparsed->ssrc());
  if (!std::equal(original->data().begin(), original->data().end(), buffer.begin(), buffer.end()))
    std::abort();
  // And unwrapping arbitrary input as if it were RTX must stay inside the buffer.
  std::vector<uint8_t> asRtx(input.begin(), input.end());
  if (auto maybeRtx = RtpPacket::parse(asRtx)) (void)jb::rtp::unwrapRtx(*maybeRtx);
  return 0;
}
