#include "translation/audio/OpusFrameDecoder.hpp"

#include <opus.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace jb::translation {
namespace {

// RFC 6716 §3.2.5: a packet holds at most 120 ms of audio.
constexpr int kMaxFrameSamples = OpusFrameDecoder::kSampleRate * 120 / 1000;
// libopus conceals in whole multiples of 2.5 ms.
constexpr int kConcealStep = OpusFrameDecoder::kSampleRate / 400;

}  // namespace

void OpusFrameDecoder::Deleter::operator()(OpusDecoder* decoder) const {
  opus_decoder_destroy(decoder);
}

OpusFrameDecoder::OpusFrameDecoder() {
  int error = OPUS_OK;
  decoder_.reset(opus_decoder_create(kSampleRate, 1, &error));
  if (error != OPUS_OK || !decoder_) {
    throw std::runtime_error(std::string("opus_decoder_create: ") + opus_strerror(error));
  }
}

OpusFrameDecoder::~OpusFrameDecoder() = default;

std::vector<int16_t> OpusFrameDecoder::decode(std::span<const uint8_t> payload) {
  // An empty payload would make libopus conceal instead of failing; it is a broken packet here.
  if (payload.empty()) {
    ++corruptFrames_;
    return {};
  }
  std::vector<int16_t> pcm(kMaxFrameSamples);
  int n = opus_decode(decoder_.get(), payload.data(), static_cast<opus_int32>(payload.size()), pcm.data(),
                      kMaxFrameSamples, 0);
  if (n < 0) {
    ++corruptFrames_;
    return {};
  }
  pcm.resize(static_cast<size_t>(n));
  if (n > 0) lastFrameSamples_ = n;
  return pcm;
}

std::vector<int16_t> OpusFrameDecoder::concealLoss(int samples) {
  std::vector<int16_t> out;
  if (samples <= 0) return out;
  out.reserve(static_cast<size_t>(samples));
  std::vector<int16_t> chunk(kMaxFrameSamples);
  while (static_cast<int>(out.size()) < samples) {
    int want = samples - static_cast<int>(out.size());
    // Round up to the decoder's 2.5 ms grid and trim afterwards, so any count can be asked for.
    int ask = std::min(kMaxFrameSamples, (want + kConcealStep - 1) / kConcealStep * kConcealStep);
    int n = opus_decode(decoder_.get(), nullptr, 0, chunk.data(), ask, 0);
    if (n <= 0) {
      // Should not happen with a valid size; fill with silence rather than stall the stream.
      out.resize(static_cast<size_t>(samples), 0);
      break;
    }
    out.insert(out.end(), chunk.begin(), chunk.begin() + std::min(n, want));
  }
  return out;
}

}  // namespace jb::translation
