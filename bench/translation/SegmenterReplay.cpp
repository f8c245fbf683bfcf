#include "SegmenterReplay.hpp"

#include "translation/audio/OpusFrameDecoder.hpp"
#include "translation/audio/Resampler.hpp"

namespace jb::bench {

std::vector<std::optional<EndDecision>> replayEndDecisions(
    const SpeakerScript& script, const translation::UtteranceSegmenter::Options& options) {
  std::vector<std::optional<EndDecision>> decisions(script.utterances.size());
  translation::OpusFrameDecoder decoder;
  translation::Resampler resampler(translation::OpusFrameDecoder::kSampleRate,
                                   SpokenSentence::kSegmenterRate);
  translation::UtteranceSegmenter segmenter(options);
  size_t current = 0;  // the scripted utterance whose packets are being fed
  for (size_t packet = 0; packet < script.packets.size(); ++packet) {
    while (current + 1 < script.utterances.size() && packet >= script.utterances[current].endPacket)
      ++current;
    std::vector<int16_t> pcm16 = resampler.process(decoder.decode(*script.packets[packet]));
    for (const auto& event : segmenter.push(pcm16)) {
      if (event.type != translation::SegmentEvent::Type::Ended) continue;
      // The utterance whose span holds the segmenter's end of speech; a decision can come one
      // sentence late (the hangover runs into the next sentence's first packets only if the
      // silence were shorter than the hangover).
      for (size_t u = current + 1; u-- > 0;) {
        uint64_t spanStart = script.utterances[u].firstPacket * SpokenSentence::kSamplesPerPacket16k;
        if (event.speechEndSample >= spanStart) {
          decisions[u] = EndDecision{packet, event.speechEndSample};
          break;
        }
      }
    }
  }
  return decisions;
}

}  // namespace jb::bench
