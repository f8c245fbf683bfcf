#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace jb::net {

// RFC 4571 §2 framing, as ICE-TCP uses it (RFC 6544 §3): every STUN, DTLS, RTP or RTCP packet on the
// TCP stream is preceded by its length as a 16-bit big-endian integer.
//
// Feed bytes as they arrive, in chunks of any size, then take the complete frames with next(). Memory
// is bounded: a frame longer than `maxFrameSize`, a zero-length frame, or more than `maxBufferedBytes`
// held at once puts the framer into a sticky error state, and the connection should be closed (the
// stream cannot be resynchronized once a length is untrusted).
class Rfc4571Framer {
 public:
  static constexpr size_t kHeaderSize = 2;
  static constexpr size_t kMaxFrameSize = 0xFFFF;  // what a 16-bit length can say
  // Room for one partial maximum-size frame plus one more read of the same size.
  static constexpr size_t kDefaultMaxBufferedBytes = 2 * (kHeaderSize + kMaxFrameSize);

  enum class Error {
    None,
    // Length 0. No STUN, DTLS, RTP or RTCP packet is empty, so only a broken or hostile peer sends it.
    EmptyFrame,
    // Length > maxFrameSize (only possible when a limit below 65535 was chosen).
    FrameTooLarge,
    // feed() would hold more than maxBufferedBytes: the reader is not draining next().
    BufferOverflow,
  };

  // maxFrameSize is clamped to 1..kMaxFrameSize; maxBufferedBytes is raised to at least one whole frame.
  explicit Rfc4571Framer(size_t maxFrameSize = kMaxFrameSize,
                         size_t maxBufferedBytes = kDefaultMaxBufferedBytes);

  // Appends bytes read from the stream. False if the framer is (now) in the error state; the bytes are
  // then dropped.
  bool feed(std::span<const uint8_t> bytes);

  // The next complete frame's payload (without the length prefix), or nullopt when none is complete
  // yet or on error. The span stays valid until the next call to feed() or next().
  std::optional<std::span<const uint8_t>> next();

  Error error() const { return error_; }
  // Bytes fed but not yet returned by next(), including the length prefix of a partial frame.
  size_t bufferedBytes() const { return buffer_.size() - readOffset_; }
  size_t maxFrameSize() const { return maxFrameSize_; }
  size_t maxBufferedBytes() const { return maxBufferedBytes_; }

 private:
  size_t maxFrameSize_;
  size_t maxBufferedBytes_;
  std::vector<uint8_t> buffer_;
  size_t readOffset_ = 0;  // start of the first byte not yet returned
  Error error_ = Error::None;
};

// Appends `payload` with its RFC 4571 length prefix. Throws std::length_error for an empty payload or
// one longer than Rfc4571Framer::kMaxFrameSize (the peer's framer would reject either).
void appendFrame(std::vector<uint8_t>& out, std::span<const uint8_t> payload);

const char* toString(Rfc4571Framer::Error error);

}  // namespace jb::net
