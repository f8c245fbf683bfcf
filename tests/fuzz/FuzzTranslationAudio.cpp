// libFuzzer target: what a browser's microphone packets do to the translation pipeline's audio path
// (the payloads and sequence numbers are the sender's to choose): reorder buffer, libopus decode with
// loss concealment, resampling to 16 kHz and utterance segmentation, as SpeakerStream chains them.
//
// Input: packets of [seq: 2 bytes][length: 1 byte][payload: length bytes], until the input ends. A
// length past the end takes what is left.

#include <cstdint>
#include <cstdlib>
#include <span>

#include "translation/audio/OpusFrameDecoder.hpp"
#include "translation/audio/ReorderBuffer.hpp"
#include "translation/audio/Resampler.hpp"
#include "translation/audio/UtteranceSegmenter.hpp"

namespace tr = jb::translation;

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tr::ReorderBuffer reorder;
  tr::OpusFrameDecoder decoder;
  tr::Resampler resampler(48000, 16000);
  tr::UtteranceSegmenter::Options options;
  options.maxUtterance = std::chrono::milliseconds(2000);  // reach the max-length path on short inputs
  tr::UtteranceSegmenter segmenter(options);
  uint64_t samples = 0;

  auto drain = [&] {
    while (auto frame = reorder.pop()) {
      auto pcm =
          frame->lost ? decoder.concealLoss(decoder.lastFrameSamples()) : decoder.decode(frame->payload);
      // Opus never yields more than 120 ms per packet at 48 kHz.
      if (pcm.size() > 5760) std::abort();
      auto pcm16 = resampler.process(pcm);
      samples += pcm16.size();
      for (const auto& event : segmenter.push(pcm16))
        if (event.type == tr::SegmentEvent::Ended && event.speechEndSample > segmenter.streamPosition())
          std::abort();
    }
  };

  size_t at = 0;
  uint32_t timestamp = 0;
  while (at + 3 <= size) {
    uint16_t seq = static_cast<uint16_t>(data[at] << 8 | data[at + 1]);
    size_t length = data[at + 2];
    at += 3;
    if (length > size - at) length = size - at;
    reorder.push(seq, timestamp, std::span<const uint8_t>(data + at, length));
    timestamp += 960;
    at += length;
    drain();
    if ((seq & 0x1f) == 0) (void)segmenter.silence(std::chrono::milliseconds(seq & 0x3ff));
  }
  for (auto& frame : reorder.flush())
    if (!frame.lost) (void)decoder.decode(frame.payload);
  (void)segmenter.end(tr::EndReason::Closed);
  return 0;
}
