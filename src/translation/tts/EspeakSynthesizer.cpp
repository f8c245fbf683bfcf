#include "translation/tts/EspeakSynthesizer.hpp"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>

#include "translation/tts/SynthesisError.hpp"

namespace jb::translation {

namespace {

bool isIso6391(const std::string& code) {
  return code.size() == 2 && std::islower(static_cast<unsigned char>(code[0])) &&
         std::islower(static_cast<unsigned char>(code[1]));
}

// espeak_VOICE::languages is a run of (priority byte, NUL-terminated name) pairs ended by an
// empty name. Names carry dialects ("pt-br", "en-gb-x-rp"); keep the two-letter primary subtag.
void collectIso6391(const char* languages, std::set<std::string>& out) {
  if (languages == nullptr) return;
  const char* entry = languages;
  while (*entry != '\0') {
    const std::string tag(entry + 1);  // skip the priority byte
    const std::string primary = tag.substr(0, tag.find('-'));
    if (isIso6391(primary)) out.insert(primary);
    entry += 1 + tag.size() + 1;
  }
}

// Called by espeak-ng during espeak_Synth with each block of samples; user_data is our buffer.
int appendSamples(short* samples, int count, espeak_EVENT* events) {
  auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
  if (samples != nullptr && count > 0 && out != nullptr) out->insert(out->end(), samples, samples + count);
  return 0;  // keep synthesizing
}

// espeak-ng keeps all of its state (current voice, parameters, output callback) in process
// globals, and espeak_Initialize may be called only once. That is the library's constraint, not
// ours: so it is initialised once per process here, and every call that touches it holds the lock.
struct EspeakEngine {
  std::mutex mutex;
  int sampleRate = 0;
  std::vector<std::string> languages;

  EspeakEngine() {
    // DONT_EXIT: report a failure to us instead of calling exit() inside the library.
    sampleRate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
    if (sampleRate <= 0) throw SynthesisError("espeak-ng failed to initialise");
    espeak_SetSynthCallback(appendSamples);

    std::set<std::string> codes;
    for (const espeak_VOICE** voice = espeak_ListVoices(nullptr); voice != nullptr && *voice != nullptr;
         ++voice) {
      collectIso6391((*voice)->languages, codes);
    }
    languages.assign(codes.begin(), codes.end());
  }
};

EspeakEngine& espeakEngine() {
  static EspeakEngine engine;  // A throwing constructor leaves it uninitialised; the next call retries.
  return engine;
}

}  // namespace

EspeakSynthesizer::EspeakSynthesizer(int wordsPerMinute) : wordsPerMinute_(wordsPerMinute) {
  espeakEngine();
}

std::vector<std::string> EspeakSynthesizer::languages() const {
  return espeakEngine().languages;
}

PcmAudio EspeakSynthesizer::synthesize(const std::string& language, const std::string& text) {
  EspeakEngine& engine = espeakEngine();
  if (!std::binary_search(engine.languages.begin(), engine.languages.end(), language)) {
    throw SynthesisError("espeak-ng cannot speak language '" + language + "'");
  }

  PcmAudio audio;
  audio.sampleRate = engine.sampleRate;

  std::lock_guard lock(engine.mutex);
  espeak_VOICE spec{};
  spec.languages = language.c_str();
  if (espeak_SetVoiceByProperties(&spec) != EE_OK) {
    throw SynthesisError("espeak-ng has no voice for language '" + language + "'");
  }
  // Set on every call: the rate is process-global, and another instance may use a different one.
  espeak_SetParameter(espeakRATE, wordsPerMinute_, 0);

  const espeak_ERROR result = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                           espeakCHARS_UTF8, nullptr, &audio.samples);
  if (result != EE_OK) throw SynthesisError("espeak-ng failed to synthesize text");
  return audio;
}

}  // namespace jb::translation
