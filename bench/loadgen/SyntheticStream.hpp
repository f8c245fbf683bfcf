#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace jb::bench {

// Generates the RTP packets of one fake track: Opus-like audio (50 packets/s, ~100 bytes) or VP8-like
// video at a target bitrate with a keyframe every `keyframeInterval`. Payloads carry a real VP8 payload
// descriptor and frame tag, so the SFU's keyframe detection behaves as with a browser, and end with a
// 12-byte stamp (send time in ns on the steady clock + stream sequence) that receivers read back.
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
  };

  explicit SyntheticStream(Config config);

  // Appends the plaintext RTP packets due at `now` (each a separate vector) to `out`.
  void packetsDue(Clock::time_point now, std::vector<std::vector<uint8_t>>& out);

  uint32_t ssrc() const { return config_.ssrc; }
  uint64_t packetsSent() const { return packetsSent_; }

 private:
  void emitFrame(Clock::time_point now, bool keyframe, size_t frameBytes,
                 std::vector<std::vector<uint8_t>>& out);
  std::vector<uint8_t> makePacket(bool marker, uint32_t timestamp, size_t payloadSize, Clock::time_point now);

  Config config_;
  Clock::time_point start_{};
  Clock::time_point nextFrameAt_{};
  Clock::time_point nextKeyframeAt_{};
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
uint64_t steadyNowNs();

}  // namespace jb::bench
