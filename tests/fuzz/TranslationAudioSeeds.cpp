// Seeds for the translation audio target: real Opus speech-band packets (a 300 Hz tone with bursts of
// silence, as a talking microphone sends) framed as FuzzTranslationAudio.cpp reads them, in order, with
// a swap and a gap.

#include <cmath>

#include "FuzzSeeds.hpp"
#include "translation/audio/OpusFrameEncoder.hpp"

namespace jb::fuzz {

Seeds translationAudioSeeds() {
  translation::OpusFrameEncoder encoder;
  std::vector<std::vector<uint8_t>> packets;
  for (int frame = 0; frame < 60; ++frame) {
    std::vector<int16_t> pcm(960);
    bool voiced = (frame / 15) % 2 == 0;
    for (size_t i = 0; i < pcm.size(); ++i)
      pcm[i] =
          voiced ? static_cast<int16_t>(8000 * std::sin(2 * M_PI * 300 * (frame * 960 + i) / 48000.0)) : 0;
    packets.push_back(encoder.encode(pcm));
  }
  auto framed = [&](const std::vector<uint16_t>& order) {
    std::vector<uint8_t> out;
    for (uint16_t index : order) {
      const auto& payload = packets[index % packets.size()];
      uint16_t seq = static_cast<uint16_t>(65500 + index);  // crosses the 16-bit wrap
      out.push_back(static_cast<uint8_t>(seq >> 8));
      out.push_back(static_cast<uint8_t>(seq & 0xff));
      out.push_back(static_cast<uint8_t>(std::min<size_t>(payload.size(), 255)));
      out.insert(out.end(), payload.begin(), payload.begin() + std::min<size_t>(payload.size(), 255));
    }
    return out;
  };
  std::vector<uint16_t> inOrder, swapped, gappy;
  for (uint16_t i = 0; i < 60; ++i) inOrder.push_back(i);
  swapped = inOrder;
  std::swap(swapped[10], swapped[11]);
  for (uint16_t i = 0; i < 60; ++i)
    if (i % 7 != 3) gappy.push_back(i);
  return {framed(inOrder), framed(swapped), framed(gappy)};
}

}  // namespace jb::fuzz
