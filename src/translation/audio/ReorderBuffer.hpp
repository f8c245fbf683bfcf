#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace jb::translation {

// Puts one stream's RTP Opus packets back in sequence order before decoding. A missing packet is
// waited for while at most `depth` later packets are held, then given up as a `lost` frame so the
// decoder conceals it. Duplicates and packets older than what was already handed out are dropped
// and counted. Sequence numbers are compared modulo 2^16 (RFC 3550 §A.1), so they may wrap.
class ReorderBuffer {
 public:
  struct Frame {
    bool lost = false;
    uint32_t rtpTimestamp = 0;  // for a lost frame, interpolated from its neighbours
    std::vector<uint8_t> payload;
    uint16_t seq = 0;
  };

  // Losses longer than `maxLostRun` packets (a sender restart, a long outage) are skipped rather
  // than concealed packet by packet; the jump shows in the timestamps and in resyncs().
  explicit ReorderBuffer(size_t depth = 3, size_t maxLostRun = 25);

  void push(uint16_t seq, uint32_t rtpTimestamp, std::span<const uint8_t> payload);
  // The next frame in sequence order, or nullopt while waiting for a missing packet.
  std::optional<Frame> pop();
  // Everything held, in order, with lost frames for the gaps (end of stream).
  std::vector<Frame> flush();
  // Forget the stream: the next push starts a new sequence. Counters are kept.
  void reset();

  size_t duplicates() const { return duplicates_; }
  size_t late() const { return late_; }
  size_t lost() const { return lost_; }
  size_t resyncs() const { return resyncs_; }
  size_t held() const { return pending_.size(); }

 private:
  struct Packet {
    uint32_t rtpTimestamp;
    std::vector<uint8_t> payload;
  };

  std::optional<Frame> next(bool draining);
  Frame emitHeld();

  size_t depth_;
  size_t maxLostRun_;
  bool started_ = false;
  bool emittedAny_ = false;
  int64_t nextSeq_ = 0;                // extended (unwrapped) sequence number of the next frame out
  std::map<int64_t, Packet> pending_;  // keyed by extended sequence number
  uint32_t lastTimestamp_ = 0;
  uint64_t recentlyReceived_ = 0;  // bit i set: nextSeq_-1-i was handed out as a real packet
  size_t duplicates_ = 0;
  size_t late_ = 0;
  size_t lost_ = 0;
  size_t resyncs_ = 0;
};

}  // namespace jb::translation
