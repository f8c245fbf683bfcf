#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtp/RtpPacket.hpp"

namespace jb::sfu {

// The recent packets of one producer stream, kept so any consumer can answer a NACK (RFC 4585
// §6.2.1) from them. One per producer, not per consumer: a packet fanned out to N consumers is copied
// here once. Bounded twice over: at most `capacity` sequence numbers (a ring indexed by sequence
// number) and at most `maxAge` old, since a retransmission later than that arrives after the
// receiver's jitter buffer has given up on it.
class RetransmissionBuffer {
 public:
  using Clock = std::chrono::steady_clock;

  struct Stored {
    std::span<const uint8_t> bytes;  // the packet as the producer sent it (its SSRC, PT, ext ids)
    Clock::time_point arrival;
  };

  static constexpr size_t kDefaultCapacity = 1024;  // ~1 s of 8 Mbit/s video in 1200-byte packets
  static constexpr auto kDefaultMaxAge = std::chrono::milliseconds(1000);
  static constexpr size_t kMaxPacketSize = 1500;

  // `capacity` is rounded up to a power of two.
  explicit RetransmissionBuffer(size_t capacity = kDefaultCapacity, Clock::duration maxAge = kDefaultMaxAge);

  // Copies the packet in. Returns false (nothing stored) for a duplicate, an oversized packet, or one
  // older than the window. A jump forward by the whole window or more starts the window afresh.
  bool insert(const rtp::RtpPacket& packet, Clock::time_point now);
  // The packet with this producer sequence number, if still held and not older than maxAge.
  std::optional<Stored> find(uint16_t sequenceNumber, Clock::time_point now) const;

  size_t size() const { return stored_; }
  size_t capacity() const { return slots_.size(); }
  // Bytes of packet storage held (allocated), whether or not the slot is in use.
  size_t heldBytes() const;

 private:
  struct Slot {
    // Given back to spare_ when the slot is released. The ring is sized for high bitrates (1,024
    // numbers) while maxAge keeps ~1 s of a stream: buffers kept in their slots would hold 1,024
    // packets (1.2 MB) for a 500-kbps stream that needs 53 of them.
    std::vector<uint8_t> bytes;
    Clock::time_point arrival{};
    uint16_t sequenceNumber = 0;
    bool used = false;
  };

  Slot& slotOf(uint16_t seq) { return slots_[seq & (slots_.size() - 1)]; }
  const Slot& slotOf(uint16_t seq) const { return slots_[seq & (slots_.size() - 1)]; }
  void release(Slot& slot);
  void clear();
  void evictOlderThan(Clock::time_point cutoff);

  std::vector<Slot> slots_;
  // Released packet buffers, reused by the next inserts so a warm buffer allocates nothing; bounded, so
  // memory follows the packets held (bitrate x maxAge), not the ring's size.
  std::vector<std::vector<uint8_t>> spare_;
  static constexpr size_t kMaxSpareBuffers = 64;
  Clock::duration maxAge_;
  bool empty_ = true;
  uint16_t oldest_ = 0;  // window is [oldest_, newest_] in RFC 1982 order, at most capacity long
  uint16_t newest_ = 0;
  size_t stored_ = 0;
};

}  // namespace jb::sfu
