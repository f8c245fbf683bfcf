#include "rtp/rtcp/TransportFeedback.hpp"

#include <algorithm>

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {
namespace {

// §3.1.1: sender SSRC, media SSRC, base sequence number, packet status count, 24-bit reference
// time and 8-bit feedback packet count.
constexpr size_t kFixedSize = 16;
constexpr size_t kMaxStatusCount = 0xFFFF;
constexpr uint16_t kMaxRunLength = 0x1FFF;  // §3.1.3: 13 bits
constexpr size_t kOneBitCapacity = 14;      // §3.1.4: S = 0
constexpr size_t kTwoBitCapacity = 7;       // §3.1.4: S = 1

// §3.1.1 packet status symbols.
enum Symbol : uint8_t { kNotReceived = 0, kSmallDelta = 1, kLargeDelta = 2, kReserved = 3 };

Symbol symbolOf(const std::optional<int32_t>& delta) {
  if (!delta) return kNotReceived;
  return *delta >= 0 && *delta <= 255 ? kSmallDelta : kLargeDelta;
}

int32_t signExtend24(uint32_t v) {
  return static_cast<int32_t>(v << 8) >> 8;
}

// Appends chunks for `symbols`; see the header for the greedy choice.
void appendChunks(const std::vector<Symbol>& symbols, std::vector<uint8_t>& out) {
  const size_t n = symbols.size();
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && run < kMaxRunLength && symbols[i + run] == symbols[i]) ++run;
    const size_t window = std::min(kOneBitCapacity, n - i);
    const bool largeNear = std::any_of(symbols.begin() + static_cast<ptrdiff_t>(i),
                                       symbols.begin() + static_cast<ptrdiff_t>(i + window),
                                       [](Symbol s) { return s == kLargeDelta; });
    if (run >= kOneBitCapacity || run == n - i || (largeNear && run >= kTwoBitCapacity)) {
      // §3.1.3 run length chunk: T=0 | S (2 bits) | run length (13 bits).
      appendU16(out, static_cast<uint16_t>(symbols[i] << 13 | run));
      i += run;
    } else if (!largeNear) {
      // §3.1.4 status vector chunk, S=0: T=1 | S=0 | 14 one-bit symbols, first in the highest bit.
      uint16_t chunk = 0x8000;
      for (size_t k = 0; k < window; ++k) chunk |= static_cast<uint16_t>(symbols[i + k] << (13 - k));
      appendU16(out, chunk);
      i += window;
    } else {
      // §3.1.4 status vector chunk, S=1: T=1 | S=1 | 7 two-bit symbols.
      const size_t count = std::min(kTwoBitCapacity, n - i);
      uint16_t chunk = 0xC000;
      for (size_t k = 0; k < count; ++k) chunk |= static_cast<uint16_t>(symbols[i + k] << (12 - 2 * k));
      appendU16(out, chunk);
      i += count;
    }
  }
}

}  // namespace

std::optional<TransportFeedback> parseTransportFeedback(std::span<const uint8_t> body) {
  if (body.size() < kFixedSize) return std::nullopt;
  TransportFeedback fb;
  fb.senderSsrc = readU32(body, 0);
  fb.mediaSsrc = readU32(body, 4);
  fb.baseSequence = readU16(body, 8);
  const size_t statusCount = readU16(body, 10);
  fb.referenceTime = signExtend24(readU24(body, 12));
  fb.feedbackPacketCount = body[15];

  std::vector<Symbol> symbols;
  symbols.reserve(statusCount);
  size_t at = kFixedSize;
  while (symbols.size() < statusCount) {
    if (body.size() - at < 2) return std::nullopt;
    const uint16_t chunk = readU16(body, at);
    at += 2;
    const size_t remaining = statusCount - symbols.size();
    if ((chunk & 0x8000) == 0) {
      const auto symbol = static_cast<Symbol>((chunk >> 13) & 0x3);
      if (symbol == kReserved) return std::nullopt;
      symbols.insert(symbols.end(), std::min<size_t>(chunk & kMaxRunLength, remaining), symbol);
    } else if ((chunk & 0x4000) == 0) {
      for (size_t k = 0; k < std::min(kOneBitCapacity, remaining); ++k)
        symbols.push_back(static_cast<Symbol>((chunk >> (13 - k)) & 0x1));
    } else {
      for (size_t k = 0; k < std::min(kTwoBitCapacity, remaining); ++k) {
        const auto symbol = static_cast<Symbol>((chunk >> (12 - 2 * k)) & 0x3);
        if (symbol == kReserved) return std::nullopt;
        symbols.push_back(symbol);
      }
    }
  }

  fb.deltas.reserve(statusCount);
  for (Symbol s : symbols) {
    if (s == kNotReceived) {
      fb.deltas.emplace_back(std::nullopt);
    } else if (s == kSmallDelta) {
      if (body.size() - at < 1) return std::nullopt;
      fb.deltas.emplace_back(body[at]);
      at += 1;
    } else {
      if (body.size() - at < 2) return std::nullopt;
      fb.deltas.emplace_back(static_cast<int16_t>(readU16(body, at)));
      at += 2;
    }
  }
  if (body.size() - at > 3) return std::nullopt;
  return fb;
}

void serialize(const TransportFeedback& fb, std::vector<uint8_t>& out) {
  const size_t count = std::min(fb.deltas.size(), kMaxStatusCount);
  std::vector<Symbol> symbols;
  symbols.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const auto& d = fb.deltas[i];
    symbols.push_back(
        d ? symbolOf(std::clamp(*d, TransportFeedback::kMinLargeDelta, TransportFeedback::kMaxLargeDelta))
          : kNotReceived);
  }

  const size_t start = beginPacket(out, TransportFeedback::kFmt, kRtpfbType);
  appendU32(out, fb.senderSsrc);
  appendU32(out, fb.mediaSsrc);
  appendU16(out, fb.baseSequence);
  appendU16(out, static_cast<uint16_t>(count));
  appendU24(out, static_cast<uint32_t>(fb.referenceTime) & 0xFFFFFF);
  appendU8(out, fb.feedbackPacketCount);
  appendChunks(symbols, out);
  for (size_t i = 0; i < count; ++i) {
    if (symbols[i] == kSmallDelta) {
      appendU8(out, static_cast<uint8_t>(*fb.deltas[i]));
    } else if (symbols[i] == kLargeDelta) {
      const int32_t d =
          std::clamp(*fb.deltas[i], TransportFeedback::kMinLargeDelta, TransportFeedback::kMaxLargeDelta);
      appendU16(out, static_cast<uint16_t>(static_cast<int16_t>(d)));
    }
  }
  // §3.1: the packet is padded to a 32-bit boundary; finishPacket sets P (RFC 3550 §6.4.1).
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
