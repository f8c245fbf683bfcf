#include "sfu/DominantSpeakerDetector.hpp"

#include <algorithm>
#include <cmath>

namespace jb::sfu {

void DominantSpeakerDetector::addLevel(const std::string& producerId, const std::string& peerId,
                                       uint8_t level, Clock::time_point now) {
  auto [it, fresh] = mics_.try_emplace(producerId);
  Mic& mic = it->second;
  if (fresh) {
    mic.peerId = peerId;
    mic.lastPacket = now;
  }
  // Exponential average with a weight for the time since the previous packet: the same smoothing
  // whether a sender packetizes every 10, 20 or 60 ms.
  const double dt =
      std::chrono::duration<double>(std::max(now - mic.lastPacket, Clock::duration::zero())).count();
  const double tau = std::chrono::duration<double>(kSmoothing).count();
  const double keep = fresh ? 0.0 : std::exp(-dt / tau);
  const double dbov = -static_cast<double>(std::min<uint8_t>(level, 127));
  const double voiced = dbov >= kSpeechDbov ? 1.0 : 0.0;
  // The first packet only seeds the loudness; activity must build up from zero.
  mic.activity = fresh ? 0.0 : mic.activity * keep + voiced * (1 - keep);
  mic.loudnessDb = fresh ? dbov : mic.loudnessDb * keep + dbov * (1 - keep);
  mic.lastPacket = now;
  if (!mic.speaking && mic.activity >= kSpeakingOn) {
    mic.speaking = true;
    mic.speakingSince = now;
  } else if (mic.speaking && mic.activity < kSpeakingOff) {
    mic.speaking = false;
  }
}

void DominantSpeakerDetector::remove(const std::string& producerId) {
  mics_.erase(producerId);
}

bool DominantSpeakerDetector::speakingNow(const Mic& mic, Clock::time_point now) const {
  return mic.speaking && now - mic.lastPacket <= kStale;
}

std::optional<std::optional<std::string>> DominantSpeakerDetector::update(Clock::time_point now) {
  Mic* holder = nullptr;
  if (dominantProducer_) {
    auto it = mics_.find(*dominantProducer_);
    // Its microphone closed, paused or stopped sending: nobody holds it until someone speaks.
    if (it == mics_.end() || now - it->second.lastPacket > kStale) {
      dominantProducer_.reset();
    } else {
      holder = &it->second;
    }
  }
  const bool holderSpeaking = holder && speakingNow(*holder, now);

  const std::string* winner = nullptr;
  Clock::time_point winnerSince = now;
  for (auto& [producerId, mic] : mics_) {
    if (&mic == holder) continue;
    if (!speakingNow(mic, now)) {
      mic.louderSince.reset();
      continue;
    }
    if (holderSpeaking) {
      // Talking over a speaking holder: must be clearly louder, for a while.
      if (mic.loudnessDb < holder->loudnessDb + kChallengeMarginDb) {
        mic.louderSince.reset();
        continue;
      }
      if (!mic.louderSince) mic.louderSince = now;
      if (now - *mic.louderSince < kChallenge) continue;
    } else if (now - mic.speakingSince < kTakeover) {
      continue;
    }
    // Of several qualifying, the one speaking longest (earliest start) wins.
    if (!winner || mic.speakingSince < winnerSince) {
      winner = &producerId;
      winnerSince = mic.speakingSince;
    }
  }
  if (winner) {
    dominantProducer_ = *winner;
    for (auto& [id, mic] : mics_) mic.louderSince.reset();
  }

  std::optional<std::string> peer;
  if (dominantProducer_) peer = mics_.at(*dominantProducer_).peerId;
  if (peer == dominantPeer_) return std::nullopt;
  dominantPeer_ = peer;
  return std::optional<std::optional<std::string>>(peer);
}

std::vector<DominantSpeakerDetector::Level> DominantSpeakerDetector::speaking(Clock::time_point now) const {
  std::map<std::string, int> loudest;
  for (const auto& [producerId, mic] : mics_) {
    if (!speakingNow(mic, now)) continue;
    const int dbov = static_cast<int>(std::lround(std::clamp(mic.loudnessDb, -127.0, 0.0)));
    auto [it, fresh] = loudest.try_emplace(mic.peerId, dbov);
    if (!fresh) it->second = std::max(it->second, dbov);
  }
  std::vector<Level> out;
  for (auto& [peerId, dbov] : loudest) out.push_back({peerId, dbov});
  return out;
}

}  // namespace jb::sfu
