// libFuzzer target: an ICE-TCP byte stream (RFC 4571 framing) arriving in arbitrary chunks.
//
// Input layout, so the fuzzer controls both the stream and how TCP splits it:
//   byte 0     limits: bits 0-1 max frame size, bits 2-3 buffer cap, bits 4-6 drain after every 1..8 feeds
//   byte 1     n = number of chunk-size bytes (mod 32); n == 0 feeds the whole stream at once
//   n bytes    chunk sizes, used in turn: b < 128 is b bytes (0: an empty read), else (b - 127) * 256
//   the rest   the stream
//
// Checks: re-framing every yielded frame with appendFrame reproduces exactly the bytes the framer
// consumed; an error is only ever raised for the reason it names; memory stays within the cap.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "net/Rfc4571Framer.hpp"

namespace {

using jb::net::Rfc4571Framer;

size_t chunkSize(uint8_t b) {
  return b < 128 ? b : size_t{b - 127u} * 256;
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static constexpr size_t kMaxFrameSizes[] = {Rfc4571Framer::kMaxFrameSize, 1500, 300, 16};
  const uint8_t config = data[0];
  const size_t maxFrame = kMaxFrameSizes[config & 3];
  const size_t minCap = Rfc4571Framer::kHeaderSize + maxFrame;
  const size_t caps[] = {Rfc4571Framer::kDefaultMaxBufferedBytes, minCap, 2 * minCap, 4096};
  const size_t cap = caps[(config >> 2) & 3];
  const unsigned drainEvery = 1 + ((config >> 4) & 7);

  const size_t n = std::min<size_t>(data[1] % 32, size - 2);
  const std::span<const uint8_t> sizes(data + 2, n);
  const std::span<const uint8_t> stream(data + 2 + n, size - 2 - n);

  Rfc4571Framer framer(maxFrame, cap);
  if (framer.maxBufferedBytes() < cap || framer.maxBufferedBytes() < minCap) std::abort();
  std::vector<uint8_t> reframed;
  auto drain = [&] {
    while (const auto frame = framer.next()) {
      if (frame->empty() || frame->size() > maxFrame) std::abort();
      jb::net::appendFrame(reframed, *frame);
    }
  };

  size_t fed = 0, feeds = 0, chunkIndex = 0;
  bool overflowed = false;
  while (fed < stream.size()) {
    const size_t want = n == 0 ? stream.size() : chunkSize(sizes[chunkIndex++ % n]);
    const size_t take = std::min(want, stream.size() - fed);
    const size_t before = framer.bufferedBytes();
    if (!framer.feed(stream.subspan(fed, take))) {
      // Only a cap overflow fails in feed(); length errors surface from next().
      if (framer.error() != Rfc4571Framer::Error::BufferOverflow || before + take <= cap) std::abort();
      overflowed = true;
      break;
    }
    fed += take;
    if (framer.bufferedBytes() > framer.maxBufferedBytes()) std::abort();
    if (++feeds % drainEvery == 0) drain();
    if (framer.error() != Rfc4571Framer::Error::None) break;
    // An empty chunk list entry must not stall the loop forever.
    if (take == 0 && feeds > stream.size() + 64) break;
  }
  drain();

  // Whatever was yielded, re-framed, is exactly a prefix of the stream.
  if (reframed.size() > stream.size() || !std::equal(reframed.begin(), reframed.end(), stream.begin()))
    std::abort();

  const auto error = framer.error();
  if (error == Rfc4571Framer::Error::None) {
    // Nothing lost: consumed + still buffered == fed, and what is buffered is not a complete frame.
    if (reframed.size() + framer.bufferedBytes() != fed) std::abort();
    const auto rest = stream.subspan(reframed.size(), framer.bufferedBytes());
    if (rest.size() >= 2 && rest.size() - 2 >= ((size_t{rest[0]} << 8) | rest[1])) std::abort();
  } else {
    if (framer.feed(stream.first(std::min<size_t>(stream.size(), 1))) || framer.next() ||
        framer.bufferedBytes() != 0)
      std::abort();  // the error is sticky and frees the buffer
    if (error == Rfc4571Framer::Error::BufferOverflow) {
      if (!overflowed) std::abort();
    } else {
      // The length prefix right after the last good frame is the one that was rejected.
      const auto rest = stream.subspan(reframed.size());
      if (rest.size() < 2) std::abort();
      const size_t length = (size_t{rest[0]} << 8) | rest[1];
      if (error == Rfc4571Framer::Error::EmptyFrame && length != 0) std::abort();
      if (error == Rfc4571Framer::Error::FrameTooLarge && length <= maxFrame) std::abort();
    }
  }
  return 0;
}
