#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "sfu/PacketSink.hpp"
#include "sfu/Producer.hpp"

namespace jb::sfu {

// A producer whose audio is made inside the server (the translated voice of one speaker in one
// language) rather than received from a browser. Queued Opus frames leave one every 20 ms, as a
// browser would send them, so consumers see an ordinary Opus stream. Worker thread only.
class SynthesizedAudioSource final : private PacketSink {
 public:
  static constexpr auto kFrameDuration = std::chrono::milliseconds(20);
  static constexpr size_t kMaxBacklogFrames = 400;  // 8 s of speech waiting to be played

  SynthesizedAudioSource(std::string producerId, std::string speakerPeerId, std::string language,
                         boost::asio::io_context& io, Producer::Listener& listener);
  ~SynthesizedAudioSource() override;
  SynthesizedAudioSource(const SynthesizedAudioSource&) = delete;
  SynthesizedAudioSource& operator=(const SynthesizedAudioSource&) = delete;

  Producer& producer() { return producer_; }
  const std::string& language() const { return language_; }

  // Plays `frames` (20 ms Opus frames at 48 kHz) after anything still queued.
  void play(std::vector<std::vector<uint8_t>> frames);
  size_t queuedFrames() const { return queue_.size(); }
  uint64_t framesSkipped() const { return framesSkipped_; }

 private:
  // Nothing is ever sent back towards a synthesized source (no RTCP, no keyframe requests for audio).
  void sendRtp(uint8_t*, size_t, size_t) override {}
  void sendRtcp(std::span<const uint8_t>) override {}

  void scheduleNext();
  void sendFrame();

  std::string language_;
  Producer producer_;
  boost::asio::steady_timer timer_;
  std::deque<std::vector<uint8_t>> queue_;
  bool playing_ = false;
  std::chrono::steady_clock::time_point nextSend_{};
  std::chrono::steady_clock::time_point lastFrameSent_{};
  uint16_t sequenceNumber_;
  uint32_t timestamp_;
  bool startOfTalkspurt_ = true;
  uint64_t framesSkipped_ = 0;
  std::array<uint8_t, 1500> buffer_{};
};

}  // namespace jb::sfu
