#include "translation/asr/PocketsphinxRecognizer.hpp"

#include <pocketsphinx.h>

#include <stdexcept>

namespace jb::translation {

namespace {

void requireExists(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) {
    throw std::runtime_error("pocketsphinx model file missing: " + path.string());
  }
}

}  // namespace

void PocketsphinxRecognizer::DecoderFree::operator()(ps_decoder_s* decoder) const {
  ps_free(decoder);
}

PocketsphinxRecognizer::PocketsphinxRecognizer() : PocketsphinxRecognizer(Config{}) {}

PocketsphinxRecognizer::PocketsphinxRecognizer(Config config) : config_(std::move(config)) {
  if (config_.partialInterval.count() <= 0) {
    throw std::invalid_argument("PocketsphinxRecognizer: partialInterval must be positive");
  }
  const auto hmm = config_.modelDir / "en-us";
  const auto lm = config_.modelDir / "en-us.lm.bin";
  const auto dict = config_.modelDir / "cmudict-en-us.dict";
  requireExists(hmm);
  requireExists(lm);
  requireExists(dict);

  // -logfn: pocketsphinx logs every stage of model loading and every utterance to stderr by default.
  cmd_ln_t* cmdLine = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                                  dict.c_str(), "-logfn", "/dev/null", nullptr);
  if (cmdLine == nullptr) {
    throw std::runtime_error("pocketsphinx: invalid decoder configuration");
  }
  decoder_.reset(ps_init(cmdLine));
  // The decoder keeps its own reference to the configuration.
  cmd_ln_free_r(cmdLine);
  if (!decoder_) {
    throw std::runtime_error("pocketsphinx: decoder failed to initialise from " + config_.modelDir.string());
  }
}

PocketsphinxRecognizer::~PocketsphinxRecognizer() {
  if (inUtterance_) {
    ps_end_utt(decoder_.get());
  }
}

void PocketsphinxRecognizer::startUtterance() {
  if (inUtterance_) {
    ps_end_utt(decoder_.get());
    inUtterance_ = false;
  }
  if (ps_start_utt(decoder_.get()) < 0) {
    throw std::runtime_error("pocketsphinx: cannot start utterance");
  }
  inUtterance_ = true;
  samplesSincePartial_ = 0;
  lastPartial_.clear();
}

std::optional<std::string> PocketsphinxRecognizer::acceptAudio(std::span<const int16_t> samples16k) {
  if (!inUtterance_) {
    startUtterance();
  }
  if (samples16k.empty()) {
    return std::nullopt;
  }
  if (ps_process_raw(decoder_.get(), samples16k.data(), samples16k.size(), FALSE, FALSE) < 0) {
    throw std::runtime_error("pocketsphinx: failed to process audio");
  }
  samplesSincePartial_ += samples16k.size();
  const auto intervalSamples = static_cast<size_t>(config_.partialInterval.count()) * kSampleRate / 1000;
  if (samplesSincePartial_ < intervalSamples) {
    return std::nullopt;
  }
  samplesSincePartial_ = 0;
  std::string hypothesis = currentHypothesis();
  if (hypothesis.empty() || hypothesis == lastPartial_) {
    return std::nullopt;
  }
  lastPartial_ = hypothesis;
  return hypothesis;
}

std::string PocketsphinxRecognizer::endUtterance() {
  if (!inUtterance_) {
    return {};
  }
  inUtterance_ = false;
  lastPartial_.clear();
  if (ps_end_utt(decoder_.get()) < 0) {
    throw std::runtime_error("pocketsphinx: cannot end utterance");
  }
  return currentHypothesis();
}

std::string PocketsphinxRecognizer::currentHypothesis() {
  int32 score = 0;
  const char* hypothesis = ps_get_hyp(decoder_.get(), &score);
  return hypothesis == nullptr ? std::string{} : std::string{hypothesis};
}

}  // namespace jb::translation
