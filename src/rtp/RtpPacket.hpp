#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace jb::rtp {

// A non-owning view over a mutable buffer holding exactly one RTP packet (RFC 3550 §5.1), with
// RFC 8285 header extensions. Setters write straight into the buffer, so a forwarded packet is
// rewritten in place. The buffer must outlive the view.
class RtpPacket {
 public:
  static constexpr size_t kFixedHeaderSize = 12;
  static constexpr uint16_t kOneByteProfile = 0xBEDE;  // RFC 8285 §4.2
  static constexpr uint16_t kTwoByteProfile = 0x1000;  // RFC 8285 §4.3, low 4 bits are appbits

  // nullopt on malformed input: wrong version, truncated header/CSRC/extension, bad padding.
  static std::optional<RtpPacket> parse(std::span<uint8_t> buffer);

  uint8_t payloadType() const;
  void setPayloadType(uint8_t payloadType);
  bool marker() const;
  void setMarker(bool marker);
  uint16_t sequenceNumber() const;
  void setSequenceNumber(uint16_t seq);
  uint32_t timestamp() const;
  void setTimestamp(uint32_t timestamp);
  uint32_t ssrc() const;
  void setSsrc(uint32_t ssrc);
  size_t csrcCount() const;
  uint32_t csrc(size_t index) const;  // index < csrcCount()

  std::span<const uint8_t> payload() const;  // without padding
  size_t headerSize() const { return headerSize_; }
  size_t paddingSize() const { return paddingSize_; }
  std::span<uint8_t> data() { return buffer_; }
  std::span<const uint8_t> data() const { return buffer_; }

  bool hasExtension() const { return (buffer_[0] & 0x10) != 0; }
  uint16_t extensionProfile() const { return extensionProfile_; }
  // Value of the element with this id in the one-byte or two-byte form; nullopt if absent.
  std::optional<std::span<const uint8_t>> extension(uint8_t id) const;
  // The same element's value, writable in place (e.g. to stamp abs-send-time when the packet leaves).
  std::optional<std::span<uint8_t>> mutableExtension(uint8_t id);
  // For each element with id i: idMap[i] == 0 overwrites the element (header and data) with zero
  // bytes, which RFC 8285 §4.2 treats as padding; otherwise its id becomes idMap[i]. In the one-byte
  // form only ids 1..14 exist, so a mapping to 15 or above also zeroes the element.
  void remapExtensionIds(const std::array<uint8_t, 256>& idMap);

 private:
  RtpPacket() = default;

  std::span<uint8_t> buffer_;
  size_t headerSize_{0};  // fixed header + CSRCs + extension block
  size_t paddingSize_{0};
  size_t extensionOffset_{0};  // start of the extension elements (after the 4-byte block header)
  size_t extensionSize_{0};    // bytes of extension elements
  uint16_t extensionProfile_{0};
};

}  // namespace jb::rtp
