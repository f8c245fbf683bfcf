#include "rtp/codecs/Vp8.hpp"

#include <cstddef>

namespace jb::rtp::codecs {

namespace {
constexpr uint16_t kPictureIdMask = 0x7fff;

bool pictureIdNewer(uint16_t a, uint16_t b) {  // RFC 1982 on 15 bits
  const uint16_t d = static_cast<uint16_t>(a - b) & kPictureIdMask;
  return d != 0 && d < 0x4000;
}
bool tl0Newer(uint8_t a, uint8_t b) {
  const uint8_t d = static_cast<uint8_t>(a - b);
  return d != 0 && d < 0x80;
}
}  // namespace

std::optional<Vp8Descriptor> parseVp8Descriptor(std::span<const uint8_t> payload) {
  // RFC 7741 §4.2:  |X|R|N|S|R| PID |, then optional |I|L|T|K| RSV | and its fields.
  if (payload.empty()) return std::nullopt;
  Vp8Descriptor d;
  const uint8_t first = payload[0];
  d.startOfPartition = (first & 0x10) != 0;
  d.partitionIndex = first & 0x07;
  size_t at = 1;
  if ((first & 0x80) != 0) {  // X: extended control bits present
    if (at >= payload.size()) return std::nullopt;
    const uint8_t ext = payload[at++];
    if ((ext & 0x80) != 0) {  // I: PictureID, 15 bits when M is set
      if (at >= payload.size()) return std::nullopt;
      d.pictureIdOffset = at;
      d.longPictureId = (payload[at] & 0x80) != 0;
      if (d.longPictureId) {
        if (at + 1 >= payload.size()) return std::nullopt;
        d.pictureId = static_cast<uint16_t>((payload[at] & 0x7f) << 8 | payload[at + 1]);
        at += 2;
      } else {
        d.pictureId = payload[at] & 0x7f;
        at += 1;
      }
    }
    if ((ext & 0x40) != 0) {  // L: TL0PICIDX
      if (at >= payload.size()) return std::nullopt;
      d.tl0PicIdxOffset = at;
      d.tl0PicIdx = payload[at++];
    }
    if ((ext & 0x30) != 0) {  // T or K: TID|Y|KEYIDX share one byte
      if (at >= payload.size()) return std::nullopt;
      if ((ext & 0x20) != 0) d.temporalId = payload[at] >> 6;
      ++at;
    }
  }
  d.size = at;
  return d;
}

bool vp8IsKeyframe(std::span<const uint8_t> payload) {
  auto d = parseVp8Descriptor(payload);
  if (!d || !d->startOfPartition || d->partitionIndex != 0) return false;
  // RFC 6386 §9.1: frame tag, bit 0 of the first byte is 0 for key frames. A key frame also
  // carries the 3-byte start code 0x9d 0x01 0x2a after the 3-byte tag, so require it.
  if (d->size + 6 > payload.size()) return false;
  const auto frame = payload.subspan(d->size);
  return (frame[0] & 0x01) == 0 && frame[3] == 0x9d && frame[4] == 0x01 && frame[5] == 0x2a;
}

void Vp8PictureRewriter::rewrite(std::span<uint8_t> payload, bool retransmission) {
  auto d = parseVp8Descriptor(payload);
  if (!d) return;
  if (!retransmission && d->pictureId) {
    if (!started_) {
      started_ = true;
      highestPictureId_ = *d->pictureId;
      highestTl0_ = d->tl0PicIdx.value_or(0);
      switchPending_ = false;
    } else if (switchPending_) {
      pictureIdOffset_ = static_cast<uint16_t>(highestPictureId_ + 1 - *d->pictureId) & kPictureIdMask;
      if (d->tl0PicIdx) tl0Offset_ = static_cast<uint8_t>(highestTl0_ + 1 - *d->tl0PicIdx);
      switchPending_ = false;
    }
  }
  if (d->pictureId) {
    const uint16_t id = static_cast<uint16_t>(*d->pictureId + pictureIdOffset_) & kPictureIdMask;
    if (d->longPictureId) {
      payload[d->pictureIdOffset] = static_cast<uint8_t>(0x80 | (id >> 8));
      payload[d->pictureIdOffset + 1] = static_cast<uint8_t>(id);
    } else {
      payload[d->pictureIdOffset] = static_cast<uint8_t>(id & 0x7f);
    }
    if (!retransmission && pictureIdNewer(id, highestPictureId_)) highestPictureId_ = id;
  }
  if (d->tl0PicIdx) {
    const auto tl0 = static_cast<uint8_t>(*d->tl0PicIdx + tl0Offset_);
    payload[d->tl0PicIdxOffset] = tl0;
    if (!retransmission && tl0Newer(tl0, highestTl0_)) highestTl0_ = tl0;
  }
}

}  // namespace jb::rtp::codecs
