#include "translation/audio/ReorderBuffer.hpp"

namespace jb::translation {
namespace {

// Only used when a loss has no earlier packet to interpolate from: a 20 ms Opus frame at 48 kHz.
constexpr uint32_t kDefaultFrameTicks = 960;

}  // namespace

ReorderBuffer::ReorderBuffer(size_t depth, size_t maxLostRun) : depth_(depth), maxLostRun_(maxLostRun) {}

void ReorderBuffer::push(uint16_t seq, uint32_t rtpTimestamp, std::span<const uint8_t> payload) {
  if (!started_) {
    started_ = true;
    nextSeq_ = seq;
  }
  // Distance from the next expected number, taken modulo 2^16 into [-32768, 32767].
  auto diff = static_cast<int16_t>(static_cast<uint16_t>(seq - static_cast<uint16_t>(nextSeq_)));
  int64_t extended = nextSeq_ + diff;
  if (diff < 0) {
    if (emittedAny_) {
      int age = -diff - 1;
      if (age < 64 && ((recentlyReceived_ >> age) & 1)) {
        ++duplicates_;
      } else {
        ++late_;
      }
      return;
    }
    // Nothing handed out yet, so an earlier packet that overtook the first one can still be used.
    nextSeq_ = extended;
  }
  auto [it, inserted] = pending_.try_emplace(
      extended, Packet{rtpTimestamp, std::vector<uint8_t>(payload.begin(), payload.end())});
  if (!inserted) ++duplicates_;
}

std::optional<ReorderBuffer::Frame> ReorderBuffer::pop() {
  return next(false);
}

std::vector<ReorderBuffer::Frame> ReorderBuffer::flush() {
  std::vector<Frame> frames;
  while (auto frame = next(true)) frames.push_back(std::move(*frame));
  return frames;
}

void ReorderBuffer::reset() {
  pending_.clear();
  started_ = false;
  emittedAny_ = false;
  nextSeq_ = 0;
  lastTimestamp_ = 0;
  recentlyReceived_ = 0;
}

std::optional<ReorderBuffer::Frame> ReorderBuffer::next(bool draining) {
  if (pending_.empty()) return std::nullopt;
  auto first = pending_.begin();
  if (first->first == nextSeq_) return emitHeld();
  if (!draining && pending_.size() <= depth_) return std::nullopt;

  int64_t gap = first->first - nextSeq_;
  if (gap > static_cast<int64_t>(maxLostRun_)) {
    ++resyncs_;
    nextSeq_ = first->first;
    recentlyReceived_ = 0;
    return emitHeld();
  }
  // Give up on nextSeq_: place it between the last frame out and the first one held.
  uint32_t timestamp = first->second.rtpTimestamp - static_cast<uint32_t>(gap) * kDefaultFrameTicks;
  if (emittedAny_) {
    auto span = static_cast<int32_t>(first->second.rtpTimestamp - lastTimestamp_);
    timestamp = lastTimestamp_ + static_cast<uint32_t>(span / (gap + 1));
  }
  Frame frame{true, timestamp, {}, static_cast<uint16_t>(nextSeq_)};
  ++lost_;
  ++nextSeq_;
  emittedAny_ = true;
  lastTimestamp_ = timestamp;
  recentlyReceived_ <<= 1;
  return frame;
}

ReorderBuffer::Frame ReorderBuffer::emitHeld() {
  auto first = pending_.begin();
  Frame frame{false, first->second.rtpTimestamp, std::move(first->second.payload),
              static_cast<uint16_t>(first->first)};
  pending_.erase(first);
  ++nextSeq_;
  emittedAny_ = true;
  lastTimestamp_ = frame.rtpTimestamp;
  recentlyReceived_ = (recentlyReceived_ << 1) | 1;
  return frame;
}

}  // namespace jb::translation
