#include "app/TranslationRuntime.hpp"

#include <spdlog/spdlog.h>

#include "translation/asr/PocketsphinxRecognizer.hpp"

namespace jb::app {

TranslationRuntime::TranslationRuntime(const TranslationOptions& options,
                                       boost::asio::io_context& signalingIo,
                                       signaling::RoomDirectory& directory)
    : directory_(directory) {
  translation::PocketsphinxRecognizer::Config asrConfig;
  asrConfig.modelDir = options.pocketsphinxModelDir;
  translation::RecognizerPool::Factory factory{
      {"en", [asrConfig] { return std::make_unique<translation::PocketsphinxRecognizer>(asrConfig); }}};
  recognizers_ = std::make_unique<translation::RecognizerPool>(
      std::move(factory), std::min(options.warmRecognizers, options.maxRecognizers), options.maxRecognizers);
  auto apertium =
      std::make_shared<translation::ApertiumTranslator>(translation::ApertiumModes(options.apertiumModesDir));
  translator_ = std::make_unique<translation::TranslationRouter>(apertium);
  voices_ = std::make_unique<translation::VoiceSet>(translation::VoiceSet::withDefaultEngines());
  engines_ = std::make_unique<translation::TranslationEngines>(
      translation::TranslationEngines{*recognizers_, *translator_, *voices_});

  translation::TranslationService::Options so;
  so.recognitionThreads = options.recognitionThreads ? options.recognitionThreads
                                                     : std::max(1u, std::thread::hardware_concurrency());
  so.segmentation.hangover = options.vadHangover;
  so.segmentation.maxUtterance = options.maxUtterance;
  service_ = std::make_unique<translation::TranslationService>(so, *engines_);
  bridge_ = std::make_unique<signaling::TranslationBridge>(signalingIo, directory, *service_);
  directory.setTranslation(bridge_.get());
  service_->start(*bridge_);

  // Loading models and dictionaries takes seconds; do it off the startup path. /ready reports when done.
  warmUp_ = std::thread([this, apertium] {
    try {
      recognizers_->prewarm();
      for (const auto& pair : apertium->pairs())
        if (pair.from == "en" || pair.to == "en") apertium->warmUp(pair);
      spdlog::info("[translation] engines warm: {} recognizer(s), {} translation pair(s), {} voice(s)",
                   recognizers_->idleCount("en"), apertium->pairs().size(), voices_->voices().size());
    } catch (const std::exception& e) {
      spdlog::error("[translation] warm-up failed: {}", e.what());
    }
  });
}

TranslationRuntime::~TranslationRuntime() {
  if (warmUp_.joinable()) warmUp_.join();
  service_->stop();
  directory_.setTranslation(nullptr);
}

bool TranslationRuntime::ready() const {
  return recognizers_->totalCount("en") > 0;
}

}  // namespace jb::app
