#pragma once

// Network byte order helpers for the packet code. Callers check bounds first; these do not.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace jb::rtp {

inline uint16_t readU16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}
inline uint32_t readU24(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) << 16 | static_cast<uint32_t>(b[at + 1]) << 8 | b[at + 2];
}
inline uint32_t readU32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) << 24 | readU24(b, at + 1);
}
inline void writeU16(std::span<uint8_t> b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
inline void writeU32(std::span<uint8_t> b, size_t at, uint32_t v) {
  writeU16(b, at, static_cast<uint16_t>(v >> 16));
  writeU16(b, at + 2, static_cast<uint16_t>(v));
}
inline void appendU8(std::vector<uint8_t>& out, uint8_t v) {
  out.push_back(v);
}
inline void appendU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
inline void appendU24(std::vector<uint8_t>& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 16));
  appendU16(out, static_cast<uint16_t>(v));
}
inline void appendU32(std::vector<uint8_t>& out, uint32_t v) {
  appendU16(out, static_cast<uint16_t>(v >> 16));
  appendU16(out, static_cast<uint16_t>(v));
}

}  // namespace jb::rtp
