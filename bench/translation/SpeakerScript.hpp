#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "SpokenSentence.hpp"

namespace jb::bench {

// One sentence at its place in a speaker's stream. Packet indices count from the speaker's first.
struct ScriptedUtterance {
  size_t sentence = 0;  // index into the corpus
  size_t firstPacket = 0;
  size_t speechEndPacket = 0;    // carries the last voiced sample
  size_t endPacket = 0;          // one past the last packet of its trailing silence
  uint64_t speechEndSample = 0;  // 16 kHz stream index just after the last voiced sample
};

// What one simulated speaker says: sentences back to back (each with its trailing silence),
// starting `startOffset` after the level starts.
struct SpeakerScript {
  std::string peerId;
  std::string producerId;
  uint32_t ssrc = 0;
  std::chrono::nanoseconds startOffset{0};
  std::vector<const std::vector<uint8_t>*> packets;  // into the corpus, which must outlive the script
  std::vector<ScriptedUtterance> utterances;

  std::chrono::milliseconds audioDuration() const {
    return SpokenSentence::kPacketDuration * static_cast<int64_t>(packets.size());
  }
};

// Speaker `index` cycles through the corpus from its own starting sentence, so concurrent speakers
// say different things. It stops after `utterances` sentences, or, when `seconds` > 0, once its
// stream is at least that long.
SpeakerScript makeSpeakerScript(unsigned index, const std::vector<SpokenSentence>& corpus, size_t utterances,
                                double seconds, std::chrono::nanoseconds startOffset);

}  // namespace jb::bench
