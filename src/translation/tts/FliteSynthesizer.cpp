#include "translation/tts/FliteSynthesizer.hpp"

#include <flite.h>

#include <mutex>

#include "translation/tts/SynthesisError.hpp"

// Provided by libflite_cmu_us_slt; flite ships no header declaring it.
extern "C" cst_voice* register_cmu_us_slt(const char* voxdir);

namespace jb::translation {

namespace {

// flite keeps process-wide state (its feature tables, and a single cached slt voice that
// unregister_cmu_us_slt would free for every holder), and is not documented as thread-safe.
// So the voice is loaded once per process, never unregistered, and every call is serialised.
struct FliteEngine {
  std::mutex mutex;
  cst_voice* voice = nullptr;

  FliteEngine() {
    flite_init();
    voice = register_cmu_us_slt(nullptr);
    if (voice == nullptr) throw SynthesisError("flite: cannot load the cmu_us_slt voice");
  }
};

FliteEngine& fliteEngine() {
  static FliteEngine engine;  // A throwing constructor leaves it uninitialised; the next call retries.
  return engine;
}

}  // namespace

FliteSynthesizer::FliteSynthesizer() {
  fliteEngine();
}

PcmAudio FliteSynthesizer::synthesize(const std::string& language, const std::string& text) {
  if (language != "en") throw SynthesisError("flite cannot speak language '" + language + "'");

  FliteEngine& engine = fliteEngine();
  std::lock_guard lock(engine.mutex);
  cst_wave* wave = flite_text_to_wave(text.c_str(), engine.voice);
  if (wave == nullptr) throw SynthesisError("flite failed to synthesize text");

  PcmAudio audio;
  audio.sampleRate = wave->sample_rate;
  const int channels = wave->num_channels > 0 ? wave->num_channels : 1;
  audio.samples.reserve(static_cast<size_t>(wave->num_samples));
  // slt is mono; should a voice ever be multi-channel, keep its first channel.
  for (int i = 0; i < wave->num_samples; ++i) {
    audio.samples.push_back(wave->samples[static_cast<size_t>(i) * channels]);
  }
  delete_wave(wave);
  return audio;
}

}  // namespace jb::translation
