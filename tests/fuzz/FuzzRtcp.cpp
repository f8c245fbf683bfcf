// libFuzzer target: compound RTCP parse and re-serialization.

#include <cstdint>
#include <cstdlib>
#include <span>

#include "rtp/rtcp/CompoundPacket.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jb::rtp::rtcp;
  const auto packets = parseCompound(std::span<const uint8_t>(data, size));
  if (!packets) return 0;
  // What we accept must serialize into something we accept, and one more round must be stable
  // (the first may normalize: padding, NACK duplicates, saturated REMB bitrates).
  const auto wire = serializeCompound(*packets);
  const auto again = parseCompound(wire);
  if (!again || again->size() != packets->size()) std::abort();
  if (serializeCompound(*again) != wire) std::abort();
  return 0;
}
