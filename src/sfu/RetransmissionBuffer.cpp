#include "sfu/RetransmissionBuffer.hpp"

#include <bit>

#include "rtp/SequenceNumber.hpp"

namespace jb::sfu {

RetransmissionBuffer::RetransmissionBuffer(size_t capacity, Clock::duration maxAge)
    : slots_(std::bit_ceil(std::max<size_t>(capacity, 2))), maxAge_(maxAge) {}

void RetransmissionBuffer::release(Slot& slot) {
  if (!slot.used) return;
  slot.used = false;
  if (spare_.size() < kMaxSpareBuffers) spare_.push_back(std::move(slot.bytes));
  slot.bytes = {};
  --stored_;
}

size_t RetransmissionBuffer::heldBytes() const {
  size_t held = 0;
  for (const Slot& slot : slots_) held += slot.bytes.capacity();
  for (const auto& buffer : spare_) held += buffer.capacity();
  return held;
}

void RetransmissionBuffer::clear() {
  for (Slot& slot : slots_) release(slot);
  empty_ = true;
}

void RetransmissionBuffer::evictOlderThan(Clock::time_point cutoff) {
  // Sequence order is arrival order except for reordering, so walking from the oldest end stops early.
  while (!empty_) {
    Slot& slot = slotOf(oldest_);
    if (slot.used && slot.sequenceNumber == oldest_ && slot.arrival >= cutoff) return;
    release(slot);
    if (oldest_ == newest_) {
      empty_ = true;
      return;
    }
    ++oldest_;
  }
}

bool RetransmissionBuffer::insert(const rtp::RtpPacket& packet, Clock::time_point now) {
  const auto bytes = packet.data();
  if (bytes.size() > kMaxPacketSize) return false;
  const uint16_t seq = packet.sequenceNumber();
  const size_t capacity = slots_.size();

  if (empty_) {
    empty_ = false;
    oldest_ = newest_ = seq;
  } else if (rtp::seqNewerThan(seq, newest_)) {
    const auto ahead = static_cast<uint16_t>(seq - newest_);
    if (ahead >= capacity) {
      // A jump past the whole window (a long outage or the sender restarting its numbering).
      clear();
      empty_ = false;
      oldest_ = newest_ = seq;
    } else {
      // Free the slots of the numbers skipped over: they were lost, and still hold old packets.
      for (uint16_t s = static_cast<uint16_t>(newest_ + 1); s != seq; ++s) release(slotOf(s));
      newest_ = seq;
      // Count bound: the window spans at most `capacity` numbers.
      while (static_cast<uint16_t>(newest_ - oldest_) >= capacity) {
        release(slotOf(oldest_));
        ++oldest_;
      }
    }
  } else {
    // Late (reordered or retransmitted) packet: store it if it still fits behind newest_.
    if (static_cast<uint16_t>(newest_ - seq) >= capacity) return false;
    if (rtp::seqOlderThan(seq, oldest_)) {
      for (uint16_t s = static_cast<uint16_t>(seq + 1); s != oldest_; ++s) release(slotOf(s));
      oldest_ = seq;
    }
    const Slot& existing = slotOf(seq);
    if (existing.used && existing.sequenceNumber == seq) return false;  // duplicate
  }

  Slot& slot = slotOf(seq);
  if (!slot.used) ++stored_;
  slot.used = true;
  slot.sequenceNumber = seq;
  slot.arrival = now;
  if (slot.bytes.capacity() == 0 && !spare_.empty()) {
    slot.bytes = std::move(spare_.back());
    spare_.pop_back();
  }
  slot.bytes.assign(bytes.begin(), bytes.end());
  evictOlderThan(now - maxAge_);
  return true;
}

std::optional<RetransmissionBuffer::Stored> RetransmissionBuffer::find(uint16_t seq,
                                                                       Clock::time_point now) const {
  if (empty_ || rtp::seqNewerThan(seq, newest_) || rtp::seqOlderThan(seq, oldest_)) return std::nullopt;
  const Slot& slot = slotOf(seq);
  if (!slot.used || slot.sequenceNumber != seq || now - slot.arrival > maxAge_) return std::nullopt;
  return Stored{slot.bytes, slot.arrival};
}

}  // namespace jb::sfu
