#pragma once

// RFC 3550 §6.4 common header shared by every RTCP packet, and the serialization helpers that
// write it. The parse side is in CompoundPacket.cpp; each packet kind parses its body only.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace jb::rtp::rtcp {

enum PacketType : uint8_t {
  kSenderReportType = 200,    // RFC 3550 §6.4.1
  kReceiverReportType = 201,  // RFC 3550 §6.4.2
  kSdesType = 202,            // RFC 3550 §6.5
  kByeType = 203,             // RFC 3550 §6.6
  kRtpfbType = 205,           // RFC 4585 §6.2 transport layer feedback
  kPsfbType = 206,            // RFC 4585 §6.3 payload-specific feedback
};

constexpr size_t kCommonHeaderSize = 4;
constexpr size_t kMaxCount = 31;              // RC/SC/FMT are 5 bits
constexpr size_t kMaxPacketSize = 4 * 65536;  // 16-bit length in words, minus one

// Appends a common header with a zero length field; returns its offset for finishPacket().
size_t beginPacket(std::vector<uint8_t>& out, uint8_t countOrFmt, uint8_t packetType);
// Pads the packet started at `start` to a 32-bit boundary (setting P, RFC 3550 §6.4.1) and writes
// its length field.
void finishPacket(std::vector<uint8_t>& out, size_t start);

}  // namespace jb::rtp::rtcp
