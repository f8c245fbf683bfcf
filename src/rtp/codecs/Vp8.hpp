#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace jb::rtp::codecs {

// True when the RTP payload starts a VP8 key frame: RFC 7741 §4.2 payload descriptor with S=1 and
// partition index 0, followed by a VP8 frame header (RFC 6386 §9.1) whose P (inverse key frame)
// bit is 0.
bool vp8IsKeyframe(std::span<const uint8_t> payload);

// The VP8 payload descriptor (RFC 7741 §4.2), with where its rewritable fields sit in the payload.
struct Vp8Descriptor {
  bool startOfPartition = false;
  uint8_t partitionIndex = 0;
  std::optional<uint16_t> pictureId;  // 7 or 15 bits
  bool longPictureId = false;         // M bit: 15-bit PictureID
  size_t pictureIdOffset = 0;
  std::optional<uint8_t> tl0PicIdx;
  size_t tl0PicIdxOffset = 0;
  std::optional<uint8_t> temporalId;  // TID, when T is set
  size_t size = 0;                    // descriptor bytes before the VP8 frame data
};

// nullopt when the payload is too short for the descriptor it announces.
std::optional<Vp8Descriptor> parseVp8Descriptor(std::span<const uint8_t> payload);

// Keeps PictureID and TL0PICIDX continuous when a consumer switches from one simulcast stream to another
// (each stream's encoder numbers its pictures on its own), as mediasoup's and Janus's VP8 simulcast
// handling does: a receiver that sees PictureID jump backwards takes the new pictures for old ones.
class Vp8PictureRewriter {
 public:
  // The next packet comes from another stream: its numbers continue after the last ones sent.
  void markSwitch() { switchPending_ = true; }
  // Rewrites the descriptor of `payload` in place. A retransmission is rewritten with the offsets in
  // force but does not move them.
  void rewrite(std::span<uint8_t> payload, bool retransmission);

 private:
  bool started_ = false;
  bool switchPending_ = false;
  uint16_t pictureIdOffset_ = 0;  // modulo 2^15
  uint8_t tl0Offset_ = 0;
  uint16_t highestPictureId_ = 0;
  uint8_t highestTl0_ = 0;
};

}  // namespace jb::rtp::codecs
