#include "rtp/RtpPacket.hpp"

#include <algorithm>
#include <utility>

#include "rtp/ByteOrder.hpp"

namespace jb::rtp {
namespace {

enum class ExtensionForm { OneByte, TwoByte, Unknown };

ExtensionForm formOf(uint16_t profile) {
  if (profile == RtpPacket::kOneByteProfile) return ExtensionForm::OneByte;
  if ((profile & 0xFFF0) == RtpPacket::kTwoByteProfile) return ExtensionForm::TwoByte;
  return ExtensionForm::Unknown;
}

struct ExtensionElement {
  uint8_t id;
  size_t headerOffset;  // relative to the start of the elements
  size_t headerSize;    // 1 or 2
  size_t length;        // data bytes
};

// Walks the elements of an RFC 8285 extension block, calling fn(element) for each; stops at the
// first malformed element. Returns early if fn returns true.
template <typename Fn>
void forEachElement(std::span<const uint8_t> elements, ExtensionForm form, Fn&& fn) {
  size_t i = 0;
  while (i < elements.size()) {
    ExtensionElement e{};
    if (form == ExtensionForm::OneByte) {
      const uint8_t b = elements[i];
      if (b == 0) {  // padding byte
        ++i;
        continue;
      }
      e.id = b >> 4;
      // RFC 8285 §4.2: id 15 is reserved, stop parsing; id 0 with a length is malformed.
      if (e.id == 15 || e.id == 0) return;
      e.headerSize = 1;
      e.length = static_cast<size_t>(b & 0x0f) + 1;
    } else {
      e.id = elements[i];
      if (e.id == 0) {  // RFC 8285 §4.3: padding byte
        ++i;
        continue;
      }
      if (i + 2 > elements.size()) return;
      e.headerSize = 2;
      e.length = elements[i + 1];
    }
    e.headerOffset = i;
    if (i + e.headerSize + e.length > elements.size()) return;
    if (fn(e)) return;
    i += e.headerSize + e.length;
  }
}

}  // namespace

std::optional<RtpPacket> RtpPacket::parse(std::span<uint8_t> buffer) {
  if (buffer.size() < kFixedHeaderSize) return std::nullopt;
  if ((buffer[0] >> 6) != 2) return std::nullopt;  // RFC 3550 §5.1: version 2
  const bool padding = (buffer[0] & 0x20) != 0;
  const bool extension = (buffer[0] & 0x10) != 0;
  const size_t csrcCount = buffer[0] & 0x0f;

  RtpPacket packet;
  packet.buffer_ = buffer;
  size_t at = kFixedHeaderSize + 4 * csrcCount;
  if (at > buffer.size()) return std::nullopt;
  if (extension) {
    // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words, then the data.
    if (at + 4 > buffer.size()) return std::nullopt;
    packet.extensionProfile_ = readU16(buffer, at);
    packet.extensionSize_ = 4 * static_cast<size_t>(readU16(buffer, at + 2));
    packet.extensionOffset_ = at + 4;
    at += 4 + packet.extensionSize_;
    if (at > buffer.size()) return std::nullopt;
  }
  packet.headerSize_ = at;
  if (padding) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included.
    const size_t count = buffer.back();
    if (count == 0 || at + count > buffer.size()) return std::nullopt;
    packet.paddingSize_ = count;
  }
  return packet;
}

uint8_t RtpPacket::payloadType() const {
  return buffer_[1] & 0x7f;
}
void RtpPacket::setPayloadType(uint8_t payloadType) {
  buffer_[1] = static_cast<uint8_t>((buffer_[1] & 0x80) | (payloadType & 0x7f));
}
bool RtpPacket::marker() const {
  return (buffer_[1] & 0x80) != 0;
}
void RtpPacket::setMarker(bool marker) {
  buffer_[1] = static_cast<uint8_t>((buffer_[1] & 0x7f) | (marker ? 0x80 : 0));
}
uint16_t RtpPacket::sequenceNumber() const {
  return readU16(buffer_, 2);
}
void RtpPacket::setSequenceNumber(uint16_t seq) {
  writeU16(buffer_, 2, seq);
}
uint32_t RtpPacket::timestamp() const {
  return readU32(buffer_, 4);
}
void RtpPacket::setTimestamp(uint32_t timestamp) {
  writeU32(buffer_, 4, timestamp);
}
uint32_t RtpPacket::ssrc() const {
  return readU32(buffer_, 8);
}
void RtpPacket::setSsrc(uint32_t ssrc) {
  writeU32(buffer_, 8, ssrc);
}
size_t RtpPacket::csrcCount() const {
  return buffer_[0] & 0x0f;
}
uint32_t RtpPacket::csrc(size_t index) const {
  return readU32(buffer_, kFixedHeaderSize + 4 * index);
}

std::span<const uint8_t> RtpPacket::payload() const {
  return std::span<const uint8_t>(buffer_).subspan(headerSize_, buffer_.size() - headerSize_ - paddingSize_);
}

std::optional<std::span<const uint8_t>> RtpPacket::extension(uint8_t id) const {
  const ExtensionForm form = formOf(extensionProfile_);
  if (id == 0 || form == ExtensionForm::Unknown || extensionSize_ == 0) return std::nullopt;
  const auto elements = std::span<const uint8_t>(buffer_).subspan(extensionOffset_, extensionSize_);
  std::optional<std::span<const uint8_t>> found;
  forEachElement(elements, form, [&](const ExtensionElement& e) {
    if (e.id != id) return false;
    found = elements.subspan(e.headerOffset + e.headerSize, e.length);
    return true;
  });
  return found;
}

std::optional<std::span<uint8_t>> RtpPacket::mutableExtension(uint8_t id) {
  auto value = std::as_const(*this).extension(id);
  if (!value) return std::nullopt;
  return buffer_.subspan(static_cast<size_t>(value->data() - buffer_.data()), value->size());
}

void RtpPacket::remapExtensionIds(const std::array<uint8_t, 256>& idMap) {
  const ExtensionForm form = formOf(extensionProfile_);
  if (form == ExtensionForm::Unknown || extensionSize_ == 0) return;
  const auto elements = buffer_.subspan(extensionOffset_, extensionSize_);
  forEachElement(elements, form, [&](const ExtensionElement& e) {
    const uint8_t newId = idMap[e.id];
    const bool representable = form == ExtensionForm::TwoByte || newId <= 14;
    if (newId == 0 || !representable) {
      std::fill_n(elements.begin() + static_cast<std::ptrdiff_t>(e.headerOffset), e.headerSize + e.length, 0);
    } else if (form == ExtensionForm::OneByte) {
      elements[e.headerOffset] = static_cast<uint8_t>((newId << 4) | (elements[e.headerOffset] & 0x0f));
    } else {
      elements[e.headerOffset] = newId;
    }
    return false;
  });
}

}  // namespace jb::rtp
