#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <vector>

namespace jb::bench {

// Generates the RTP packets of one fake track: Opus-like audio (50 packets/s, ~100 bytes) or VP8-like
// video at a target bitrate with a keyframe every `keyframeInterval`. Payloads carry a real VP8 payload
// descriptor and frame tag, so the SFU's keyframe detection behaves as with a browser, and end with a
// 12-byte stamp (send time in ns + stream sequence) that receivers read back. packetsDue() writes the
// sequence; stampSendTime() writes the time just before the packet is encrypted and sent.
// Each stream starts at a phase taken from its (random) SSRC: real publishers are not frame-aligned, and
// aligned ones would make every SFU measurement a measurement of one synchronized burst.
class SyntheticStream {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kStampSize = 12;

  struct Config {
    bool video = false;
    uint32_t ssrc = 0;
    uint8_t payloadType = 0;
    uint32_t bitrateBps = 500'000;  // video only
    std::chrono::milliseconds keyframeInterval{2000};
    uint32_t framesPerSecond = 25;  // video only
    // Video packets leave at this multiple of the bitrate, as WebRTC's pacer sends them (its default
    // multiplier is 2.5); 0 sends each frame's packets back to back.
    double pacingFactor = 2.5;
  };

  explicit SyntheticStream(Config config);

  // Appends the plaintext RTP packets due at `now` (each a separate vector) to `out`.
  void packetsDue(Clock::time_point now, std::vector<std::vector<uint8_t>>& out);

  uint32_t ssrc() const { return config_.ssrc; }
  uint64_t packetsSent() const { return packetsSent_; }

 private:
  void emitFrame(Clock::time_point now, bool keyframe, size_t frameBytes,
                 std::vector<std::vector<uint8_t>>& out);
  std::vector<uint8_t> makePacket(bool marker, uint32_t timestamp, size_t payloadSize);
  void releasePaced(Clock::time_point now, std::vector<std::vector<uint8_t>>& out);

  Config config_;
  Clock::time_point start_{};
  Clock::time_point nextFrameAt_{};
  Clock::time_point nextKeyframeAt_{};
  std::deque<std::vector<uint8_t>> paced_;  // video packets made but not yet due
  Clock::time_point nextPacedAt_{};
  uint16_t sequenceNumber_ = 0;
  uint32_t streamSequence_ = 0;
  uint64_t packetsSent_ = 0;
  bool started_ = false;
};

// Reads the stamp written by SyntheticStream from the end of a payload.
struct PayloadStamp {
  uint64_t sentAtNs;
  uint32_t sequence;
};
bool readPayloadStamp(const uint8_t* payload, size_t size, PayloadStamp& out);
// Writes the send time (realtimeNowNs()) into the stamp of a plaintext packet from packetsDue(). The
// receiver subtracts it from the kernel's receive timestamp, so latency is the SFU's socket queue +
// processing + the loopback hops, without the generator's own backlog on either side.
void stampSendTime(std::vector<uint8_t>& packet, uint64_t realtimeNs);

}  // namespace jb::bench
