#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace jb::translation {

struct TranslatedText {
  std::string text;
  std::vector<std::string> via;  // pivot languages, empty for a direct pair
};

// One step of one utterance: several partials while the speaker talks, then one final. Translations
// are keyed by target language and cover every caption language wanted in the room at the time.
struct CaptionEvent {
  std::string roomId;
  std::string speakerPeerId;
  std::string speakerName;
  std::string utteranceId;
  bool final = false;
  std::string language;  // spoken
  std::string text;      // as recognised (normalised)
  std::map<std::string, TranslatedText> translations;
  int64_t timestampMs = 0;  // wall clock, for display
  // Steady clock: when the speech ended (finals only), so delivery latency can be measured.
  std::chrono::steady_clock::time_point speechEnded{};
};

// The translated voice of one final caption in one language, as 20 ms Opus frames at 48 kHz.
struct SynthesizedSpeech {
  std::string roomId;
  std::string speakerPeerId;
  std::string utteranceId;
  std::string language;
  std::vector<std::vector<uint8_t>> opusFrames;
  std::chrono::steady_clock::time_point speechEnded{};
};

}  // namespace jb::translation
