#include "sfu/ActiveSpeakerObserver.hpp"

#include "sfu/Producer.hpp"

namespace jb::sfu {

ActiveSpeakerObserver::ActiveSpeakerObserver(boost::asio::io_context& io, std::string roomId,
                                             WorkerCounters& counters)
    : roomId_(std::move(roomId)), counters_(counters), timer_(io) {}

ActiveSpeakerObserver::~ActiveSpeakerObserver() {
  *alive_ = false;
  timer_.cancel();
}

void ActiveSpeakerObserver::onAudio(const Producer& producer, const rtp::RtpPacket& packet,
                                    Clock::time_point now) {
  // Screen-share audio and translated voices are not people speaking.
  if (producer.source() != "mic" || producer.audioLevelExtensionId() == 0) return;
  auto element = packet.extension(producer.audioLevelExtensionId());
  if (!element) return;
  // RFC 6464 §3: exactly one octet, V (voice activity, the sender's own VAD) and a 7-bit level in
  // -dBov. We use the level only and run our own smoothing, so senders without VAD work alike.
  if (element->size() != 1) {
    bump(counters_.badAudioLevelExtensions);
    return;
  }
  detector_.addLevel(producer.id(), producer.peerId(), (*element)[0] & 0x7F, now);
  arm();
}

void ActiveSpeakerObserver::remove(const std::string& producerId) {
  detector_.remove(producerId);
  // Evaluated on the next tick: a paused or closed dominant speaker is replaced (or cleared) then.
  if (detector_.dominantPeer()) arm();
}

void ActiveSpeakerObserver::evaluate(Clock::time_point now) {
  SpeakerActivity activity;
  activity.roomId = roomId_;
  if (auto change = detector_.update(now)) {
    activity.dominantPeer = *change;
    bump(counters_.activeSpeakerChanges);
  }
  if (now - lastLevels_ >= kLevelsInterval) {
    auto levels = detector_.speaking(now);
    // While nobody speaks nothing is sent, after one empty list that clears the indicators.
    if (!levels.empty() || !lastLevelsEmpty_) {
      lastLevels_ = now;
      lastLevelsEmpty_ = levels.empty();
      activity.levels = std::move(levels);
    }
  }
  if ((activity.dominantPeer || activity.levels) && reporter_) reporter_(std::move(activity));
}

void ActiveSpeakerObserver::arm() {
  if (armed_) return;
  armed_ = true;
  timer_.expires_after(kEvaluateInterval);
  timer_.async_wait([this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
    auto guard = alive.lock();
    if (ec || !guard || !*guard) return;
    armed_ = false;
    evaluate(Clock::now());
    // Keep ticking while there is anything to watch or to clear.
    if (!detector_.empty() || detector_.dominantPeer() || !lastLevelsEmpty_) arm();
  });
}

}  // namespace jb::sfu
