#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "translation/asr/SpeechRecognizer.hpp"

struct ps_decoder_s;

namespace jb::translation {

// English speech recognition with Debian's pocketsphinx 0.8 (5prealpha) and the pocketsphinx-en-us
// model: continuous acoustic model, trigram language model, CMU dictionary. Construction loads the
// model (~270 ms, ~108 MB), which is why RecognizerPool keeps instances warm.
class PocketsphinxRecognizer final : public SpeechRecognizer {
 public:
  struct Config {
    // Holds en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict.
    std::filesystem::path modelDir = "/usr/share/pocketsphinx/model/en-us";
    // Audio between two partial-hypothesis searches; ps_get_hyp costs a search of the lattice so far.
    std::chrono::milliseconds partialInterval{200};
  };

  static constexpr int kSampleRate = 16000;

  // Throws std::runtime_error when a model file is missing or the decoder fails to initialise.
  PocketsphinxRecognizer();
  explicit PocketsphinxRecognizer(Config config);
  ~PocketsphinxRecognizer() override;
  PocketsphinxRecognizer(const PocketsphinxRecognizer&) = delete;
  PocketsphinxRecognizer& operator=(const PocketsphinxRecognizer&) = delete;

  const std::string& language() const override { return language_; }
  void startUtterance() override;
  // Starts an utterance implicitly if none is open.
  std::optional<std::string> acceptAudio(std::span<const int16_t> samples16k) override;
  std::string endUtterance() override;

 private:
  struct DecoderFree {
    void operator()(ps_decoder_s* decoder) const;
  };

  std::string currentHypothesis();

  Config config_;
  std::string language_ = "en";
  std::unique_ptr<ps_decoder_s, DecoderFree> decoder_;
  bool inUtterance_ = false;
  size_t samplesSincePartial_ = 0;
  std::string lastPartial_;
};

}  // namespace jb::translation
