#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace jb::translation {

// The engine seam for speech-to-text: the pipeline talks only to this, so another engine (another
// language model, another toolkit) plugs in without the pipeline changing. One instance decodes one
// utterance at a time and is not thread-safe; RecognizerPool hands instances out one user at a time.
class SpeechRecognizer {
 public:
  virtual ~SpeechRecognizer() = default;

  // ISO 639-1 code of the language this instance recognises, e.g. "en".
  virtual const std::string& language() const = 0;

  // Begins a new utterance, discarding anything left over from an unfinished one.
  virtual void startUtterance() = 0;

  // 16 kHz mono. Returns a new partial hypothesis when it changed (throttled internally).
  virtual std::optional<std::string> acceptAudio(std::span<const int16_t> samples16k) = 0;

  // The final hypothesis ("" if nothing was recognised).
  virtual std::string endUtterance() = 0;
};

}  // namespace jb::translation
