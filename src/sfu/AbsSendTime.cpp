#include "sfu/AbsSendTime.hpp"

#include <cstring>
#include <span>

#include "rtp/ByteOrder.hpp"
#include "rtp/RtpPacket.hpp"

namespace jb::sfu {

namespace {
constexpr size_t kElementSize = 4;  // one-byte header + 3 bytes

void putElement(uint8_t* at, uint8_t id, uint32_t value) {
  at[0] = static_cast<uint8_t>(id << 4 | 2);  // length field is size - 1
  at[1] = static_cast<uint8_t>(value >> 16);
  at[2] = static_cast<uint8_t>(value >> 8);
  at[3] = static_cast<uint8_t>(value);
}
}  // namespace

uint32_t absSendTime(std::chrono::steady_clock::time_point now) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  return static_cast<uint32_t>((static_cast<uint64_t>(micros) << 18) / 1'000'000) & 0xFFFFFF;
}

size_t writeAbsSendTime(uint8_t* buffer, size_t length, size_t capacity, uint8_t id, uint32_t value) {
  if (id == 0 || id > 14) return length;
  auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(buffer, length));
  if (!packet) return length;
  if (auto existing = packet->mutableExtension(id)) {
    if (existing->size() != 3) return length;
    (*existing)[0] = static_cast<uint8_t>(value >> 16);
    (*existing)[1] = static_cast<uint8_t>(value >> 8);
    (*existing)[2] = static_cast<uint8_t>(value);
    return length;
  }
  const size_t fixed = rtp::RtpPacket::kFixedHeaderSize + 4 * packet->csrcCount();
  if (!packet->hasExtension()) {
    // A new one-byte block holding just our element: 4 bytes of block header, 4 of element.
    if (length + 8 > capacity) return length;
    std::memmove(buffer + fixed + 8, buffer + fixed, length - fixed);
    buffer[fixed] = 0xBE;
    buffer[fixed + 1] = 0xDE;
    buffer[fixed + 2] = 0;
    buffer[fixed + 3] = 1;
    putElement(buffer + fixed + 4, id, value);
    buffer[0] |= 0x10;
    return length + 8;
  }
  if (packet->extensionProfile() != rtp::RtpPacket::kOneByteProfile) return length;
  const size_t elementsAt = fixed + 4;
  const size_t elementsSize = packet->headerSize() - elementsAt;
  // Four bytes of padding in a row (stripped elements such as the sender's MID become padding).
  size_t run = 0;
  for (size_t i = 0; i < elementsSize;) {
    const uint8_t b = buffer[elementsAt + i];
    if (b == 0) {
      if (++run == kElementSize) {
        putElement(buffer + elementsAt + i + 1 - kElementSize, id, value);
        return length;
      }
      ++i;
      continue;
    }
    run = 0;
    if ((b >> 4) == 15) break;  // RFC 8285 §4.2: stop parsing
    i += 1 + static_cast<size_t>(b & 0x0f) + 1;
  }
  // Grow the block by one word, at its end.
  if (length + kElementSize > capacity) return length;
  const size_t end = packet->headerSize();
  std::memmove(buffer + end + kElementSize, buffer + end, length - end);
  putElement(buffer + end, id, value);
  rtp::writeU16(std::span<uint8_t>(buffer, length + kElementSize), fixed + 2,
                static_cast<uint16_t>((elementsSize + kElementSize) / 4));
  return length + kElementSize;
}

}  // namespace jb::sfu
