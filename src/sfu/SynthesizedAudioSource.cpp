#include "sfu/SynthesizedAudioSource.hpp"

#include <cstring>

#include "common/Random.hpp"

namespace jb::sfu {

namespace {

constexpr uint8_t kOpusPayloadType = 100;   // the router's Opus payload type (RouterCapabilities)
constexpr uint32_t kSamplesPerFrame = 960;  // 20 ms at 48 kHz

RtpParameters synthesizedOpusParameters() {
  RtpParameters parameters;
  RtpCodec opus;
  opus.mimeType = "audio/opus";
  opus.payloadType = kOpusPayloadType;
  opus.clockRate = 48000;
  opus.channels = 2;
  opus.parameters = {{"minptime", 10}, {"useinbandfec", 1}};
  parameters.codecs.push_back(opus);
  RtpEncoding encoding;
  do {
    encoding.ssrc = common::randomUint32();
  } while (*encoding.ssrc == 0);
  parameters.encodings.push_back(encoding);
  parameters.cname = "jb-translation";
  return parameters;
}

}  // namespace

SynthesizedAudioSource::SynthesizedAudioSource(std::string producerId, std::string speakerPeerId,
                                               std::string language, boost::asio::io_context& io,
                                               Producer::Listener& listener)
    : language_(std::move(language)),
      producer_(std::move(producerId), std::move(speakerPeerId), MediaKind::Audio,
                synthesizedOpusParameters(), "translation", *this, listener),
      timer_(io),
      sequenceNumber_(static_cast<uint16_t>(common::randomUint32())),
      timestamp_(common::randomUint32()) {}

SynthesizedAudioSource::~SynthesizedAudioSource() {
  timer_.cancel();
}

void SynthesizedAudioSource::play(std::vector<std::vector<uint8_t>> frames) {
  // Translated speech can run longer than the original (Spanish is wordier than English), so during a
  // monologue the voice would fall further and further behind. Past kMaxBacklog the oldest queued audio
  // is skipped: listeners hear fresher translation rather than an ever later one.
  for (auto& frame : frames) queue_.push_back(std::move(frame));
  while (queue_.size() > kMaxBacklogFrames) {
    queue_.pop_front();
    ++framesSkipped_;
  }
  if (playing_ || queue_.empty()) return;
  playing_ = true;
  auto now = std::chrono::steady_clock::now();
  // RFC 3550 §5.1: the timestamp advances with the sampling clock even while nothing is sent, so a
  // receiver's jitter buffer sees the pause between two utterances for what it is. The timestamp already
  // moved on by the last frame's duration when it was sent, so only the time beyond that is added.
  if (lastFrameSent_ != std::chrono::steady_clock::time_point{}) {
    auto idle = std::chrono::duration_cast<std::chrono::microseconds>(now - lastFrameSent_ - kFrameDuration);
    if (idle.count() > 0) timestamp_ += static_cast<uint32_t>(idle.count() * 48 / 1000);
  }
  startOfTalkspurt_ = true;
  nextSend_ = now;
  sendFrame();
}

void SynthesizedAudioSource::scheduleNext() {
  nextSend_ += kFrameDuration;
  timer_.expires_at(nextSend_);
  // The handler may run after this object is gone (cancelled in the destructor): look at `ec` first.
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    sendFrame();
  });
}

void SynthesizedAudioSource::sendFrame() {
  if (queue_.empty()) {
    playing_ = false;
    return;
  }
  std::vector<uint8_t> frame = std::move(queue_.front());
  queue_.pop_front();
  const size_t length = rtp::RtpPacket::kFixedHeaderSize + frame.size();
  if (length <= buffer_.size()) {
    buffer_[0] = 0x80;  // version 2, no padding, no extension, no CSRCs
    buffer_[1] = static_cast<uint8_t>((startOfTalkspurt_ ? 0x80 : 0x00) | kOpusPayloadType);
    std::memset(buffer_.data() + 2, 0, 10);
    std::memcpy(buffer_.data() + rtp::RtpPacket::kFixedHeaderSize, frame.data(), frame.size());
    if (auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(buffer_.data(), length))) {
      packet->setSequenceNumber(sequenceNumber_++);
      packet->setTimestamp(timestamp_);
      packet->setSsrc(producer_.mediaSsrc());
      producer_.receiveRtp(*packet);
    }
  }
  startOfTalkspurt_ = false;
  timestamp_ += kSamplesPerFrame;
  lastFrameSent_ = std::chrono::steady_clock::now();
  scheduleNext();
}

}  // namespace jb::sfu
