#include "net/Rfc4571Framer.hpp"

#include <algorithm>
#include <stdexcept>

namespace jb::net {

Rfc4571Framer::Rfc4571Framer(size_t maxFrameSize, size_t maxBufferedBytes)
    : maxFrameSize_(std::clamp<size_t>(maxFrameSize, 1, kMaxFrameSize)),
      maxBufferedBytes_(std::max(maxBufferedBytes, kHeaderSize + maxFrameSize_)) {}

bool Rfc4571Framer::feed(std::span<const uint8_t> bytes) {
  if (error_ != Error::None) return false;
  if (bytes.size() > maxBufferedBytes_ - bufferedBytes()) {
    error_ = Error::BufferOverflow;
    buffer_.clear();
    readOffset_ = 0;
    return false;
  }
  // Drop what next() already returned before growing, so the buffer never exceeds the cap.
  if (readOffset_ > 0) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(readOffset_));
    readOffset_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  return true;
}

std::optional<std::span<const uint8_t>> Rfc4571Framer::next() {
  if (error_ != Error::None || bufferedBytes() < kHeaderSize) return std::nullopt;
  const uint8_t* head = buffer_.data() + readOffset_;
  const size_t length = (size_t{head[0]} << 8) | head[1];
  // Checked as soon as the prefix is in: a bad length must not make us wait for (and buffer) its body.
  if (length == 0) error_ = Error::EmptyFrame;
  if (length > maxFrameSize_) error_ = Error::FrameTooLarge;
  if (error_ != Error::None) {
    buffer_.clear();
    readOffset_ = 0;
    return std::nullopt;
  }
  if (bufferedBytes() - kHeaderSize < length) return std::nullopt;
  readOffset_ += kHeaderSize + length;
  return std::span<const uint8_t>(head + kHeaderSize, length);
}

void appendFrame(std::vector<uint8_t>& out, std::span<const uint8_t> payload) {
  if (payload.empty() || payload.size() > Rfc4571Framer::kMaxFrameSize)
    throw std::length_error("RFC 4571 frame payload must be 1..65535 bytes");
  out.push_back(static_cast<uint8_t>(payload.size() >> 8));
  out.push_back(static_cast<uint8_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

const char* toString(Rfc4571Framer::Error error) {
  switch (error) {
    case Rfc4571Framer::Error::None:
      return "none";
    case Rfc4571Framer::Error::EmptyFrame:
      return "empty frame";
    case Rfc4571Framer::Error::FrameTooLarge:
      return "frame too large";
    case Rfc4571Framer::Error::BufferOverflow:
      return "buffer overflow";
  }
  return "?";
}

}  // namespace jb::net
