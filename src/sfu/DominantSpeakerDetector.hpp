#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jb::sfu {

// Picks the room's dominant speaker from the RFC 6464 audio levels the senders put in their RTP
// (in the spirit of Jitsi's DominantSpeakerIdentification and mediasoup's ActiveSpeakerObserver,
// but simpler). Pure: the caller passes levels and times.
//
// Per microphone it keeps two exponential averages over kSmoothing (~300 ms):
//  - activity: the fraction of recent packets whose level is speech (louder than kSpeechDbov). Words
//    have gaps; averaging makes a sentence one stretch of "speaking" and a cough not one.
//  - loudness: the level itself, in dBov, for comparing two people talking at once.
// A microphone is "speaking" while activity stays above kSpeakingOn, until it drops under
// kSpeakingOff (hysteresis, so it does not chatter at the threshold).
//
// The dominant speaker changes only when:
//  - nobody holds it, or the holder stopped speaking, and someone has been speaking for kTakeover
//    (1 s): the one speaking longest wins; or
//  - the holder is still speaking but a challenger has been kChallengeMarginDb louder for
//    kChallenge (2 s) — someone talking over a quiet holder.
// The holder keeps it through silence (Jitsi does too: the last speaker stays on screen) and loses
// it only to someone else, or when its microphone goes (closed, paused, or no packets for kStale).
class DominantSpeakerDetector {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kSpeechDbov = -50;  // RFC 6464 levels are -dBov; -127 is silence
  static constexpr double kSpeakingOn = 0.5;
  static constexpr double kSpeakingOff = 0.2;
  static constexpr Clock::duration kSmoothing = std::chrono::milliseconds(300);
  static constexpr Clock::duration kTakeover = std::chrono::seconds(1);
  static constexpr Clock::duration kChallenge = std::chrono::seconds(2);
  static constexpr double kChallengeMarginDb = 10;
  static constexpr Clock::duration kStale = std::chrono::milliseconds(500);

  struct Level {
    std::string peerId;
    int dbov;  // smoothed, -127..0
  };

  // One packet's level: `level` is the RFC 6464 value (0..127, meaning -level dBov).
  void addLevel(const std::string& producerId, const std::string& peerId, uint8_t level,
                Clock::time_point now);
  // The microphone is gone or paused: it stops counting at once.
  void remove(const std::string& producerId);
  // Re-evaluates; returns the new dominant peer (nullopt inside: nobody) when it changed.
  std::optional<std::optional<std::string>> update(Clock::time_point now);
  const std::optional<std::string>& dominantPeer() const { return dominantPeer_; }
  // Microphones speaking now (one entry per peer, its loudest), by peer id.
  std::vector<Level> speaking(Clock::time_point now) const;
  bool empty() const { return mics_.empty(); }

 private:
  struct Mic {
    std::string peerId;
    double activity = 0;
    double loudnessDb = -127;
    bool speaking = false;
    Clock::time_point speakingSince{};
    Clock::time_point lastPacket{};
    std::optional<Clock::time_point> louderSince;  // challenging a speaking holder since
  };
  bool speakingNow(const Mic& mic, Clock::time_point now) const;

  std::map<std::string, Mic> mics_;  // by producer id
  std::optional<std::string> dominantProducer_;
  std::optional<std::string> dominantPeer_;
};

}  // namespace jb::sfu
