#include "SpeakerScript.hpp"

namespace jb::bench {

SpeakerScript makeSpeakerScript(unsigned index, const std::vector<SpokenSentence>& corpus, size_t utterances,
                                double seconds, std::chrono::nanoseconds startOffset) {
  SpeakerScript script;
  script.peerId = "speaker-" + std::to_string(index);
  script.producerId = "mic-" + std::to_string(index);
  script.ssrc = 0x10000000u + index;
  script.startOffset = startOffset;
  auto done = [&] {
    if (seconds > 0) return std::chrono::duration<double>(script.audioDuration()).count() >= seconds;
    return script.utterances.size() >= utterances;
  };
  // 5 is coprime with the 12 sentences of the default corpus: neighbours start far apart in it.
  size_t sentence = (static_cast<size_t>(index) * 5) % corpus.size();
  while (!done()) {
    const SpokenSentence& spoken = corpus[sentence];
    ScriptedUtterance utterance;
    utterance.sentence = sentence;
    utterance.firstPacket = script.packets.size();
    utterance.speechEndPacket = utterance.firstPacket + spoken.speechEndPacket;
    utterance.endPacket = utterance.firstPacket + spoken.packets.size();
    utterance.speechEndSample =
        utterance.firstPacket * SpokenSentence::kSamplesPerPacket16k + spoken.speechEndSample;
    for (const auto& packet : spoken.packets) script.packets.push_back(&packet);
    script.utterances.push_back(utterance);
    sentence = (sentence + 1) % corpus.size();
  }
  return script;
}

}  // namespace jb::bench
