#include "translation/audio/OpusFrameEncoder.hpp"

#include <opus.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace jb::translation {
namespace {

// libopus' recommended output buffer size, far above what 20 ms of speech at any bitrate needs.
constexpr int kMaxPacketBytes = 4000;

}  // namespace

void OpusFrameEncoder::Deleter::operator()(OpusEncoder* encoder) const {
  opus_encoder_destroy(encoder);
}

OpusFrameEncoder::OpusFrameEncoder(int bitrate) {
  int error = OPUS_OK;
  encoder_.reset(opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &error));
  if (error != OPUS_OK || !encoder_) {
    throw std::runtime_error(std::string("opus_encoder_create: ") + opus_strerror(error));
  }
  error = opus_encoder_ctl(encoder_.get(), OPUS_SET_BITRATE(bitrate));
  if (error != OPUS_OK) {
    throw std::invalid_argument("opus bitrate " + std::to_string(bitrate) + ": " + opus_strerror(error));
  }
}

OpusFrameEncoder::~OpusFrameEncoder() = default;

std::vector<uint8_t> OpusFrameEncoder::encode(std::span<const int16_t> frame960) {
  if (frame960.size() != kFrameSamples) {
    throw std::invalid_argument("opus frame must be 960 samples, got " + std::to_string(frame960.size()));
  }
  std::vector<uint8_t> packet(kMaxPacketBytes);
  opus_int32 n = opus_encode(encoder_.get(), frame960.data(), kFrameSamples, packet.data(), kMaxPacketBytes);
  if (n < 0) throw std::runtime_error(std::string("opus_encode: ") + opus_strerror(n));
  packet.resize(static_cast<size_t>(n));
  return packet;
}

std::vector<std::vector<uint8_t>> OpusFrameEncoder::encodeAll(const PcmAudio& audio) {
  if (audio.sampleRate != kSampleRate) {
    throw std::invalid_argument("opus input must be 48000 Hz, got " + std::to_string(audio.sampleRate));
  }
  std::vector<std::vector<uint8_t>> packets;
  packets.reserve((audio.samples.size() + kFrameSamples - 1) / kFrameSamples);
  std::vector<int16_t> frame(kFrameSamples);
  for (size_t pos = 0; pos < audio.samples.size(); pos += kFrameSamples) {
    size_t n = std::min<size_t>(kFrameSamples, audio.samples.size() - pos);
    std::fill(std::copy_n(audio.samples.begin() + static_cast<std::ptrdiff_t>(pos), n, frame.begin()),
              frame.end(), int16_t{0});
    packets.push_back(encode(frame));
  }
  return packets;
}

}  // namespace jb::translation
