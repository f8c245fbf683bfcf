#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "rtp/RtpPacket.hpp"
#include "sfu/DominantSpeakerDetector.hpp"
#include "sfu/SpeakerActivity.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

class Producer;

// One room's active speaker detection: reads the RFC 6464 audio level of every microphone packet
// the router forwards, feeds the DominantSpeakerDetector, and reports changes of dominant speaker
// plus, every kLevelsInterval while anyone speaks, who is speaking (for the speaking indicators).
// Its timer runs only while the room has microphones with levels.
class ActiveSpeakerObserver {
 public:
  using Clock = std::chrono::steady_clock;
  using Reporter = std::function<void(SpeakerActivity)>;
  static constexpr Clock::duration kEvaluateInterval = std::chrono::milliseconds(100);
  // Speaking indicators need no more: 4 updates a second looks live and costs little signaling.
  static constexpr Clock::duration kLevelsInterval = std::chrono::milliseconds(250);

  ActiveSpeakerObserver(boost::asio::io_context& io, std::string roomId, WorkerCounters& counters);
  ~ActiveSpeakerObserver();
  ActiveSpeakerObserver(const ActiveSpeakerObserver&) = delete;
  ActiveSpeakerObserver& operator=(const ActiveSpeakerObserver&) = delete;

  void setReporter(Reporter reporter) { reporter_ = std::move(reporter); }
  // A packet of a microphone producer that is being forwarded (paused producers' packets never
  // get here). Without a negotiated audio-level id it is ignored; a malformed element is counted.
  void onAudio(const Producer& producer, const rtp::RtpPacket& packet, Clock::time_point now);
  // The producer closed or was paused.
  void remove(const std::string& producerId);
  // One evaluation round (the timer calls it; tests may too).
  void evaluate(Clock::time_point now);

  const DominantSpeakerDetector& detector() const { return detector_; }

 private:
  void arm();

  std::string roomId_;
  WorkerCounters& counters_;
  boost::asio::steady_timer timer_;
  bool armed_ = false;
  Reporter reporter_;
  DominantSpeakerDetector detector_;
  Clock::time_point lastLevels_{};
  bool lastLevelsEmpty_ = true;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace jb::sfu
