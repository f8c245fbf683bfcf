#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>

#include "app/TranslationOptions.hpp"
#include "signaling/RoomDirectory.hpp"
#include "signaling/TranslationBridge.hpp"
#include "translation/asr/RecognizerPool.hpp"
#include "translation/mt/ApertiumTranslator.hpp"
#include "translation/mt/TranslationRouter.hpp"
#include "translation/pipeline/TranslationService.hpp"
#include "translation/tts/VoiceSet.hpp"

namespace jb::app {

// The embedded translation role: the default offline engines (pocketsphinx, Apertium, flite and
// espeak-ng), the pipeline over them, and its bridge to signaling. Started before the workers so
// their routers tap audio into it.
class TranslationRuntime {
 public:
  TranslationRuntime(const TranslationOptions& options, boost::asio::io_context& signalingIo,
                     signaling::RoomDirectory& directory);
  ~TranslationRuntime();

  translation::TranslationService& service() { return *service_; }
  // True once a recognizer is warm: the first speaker will not wait for one to load.
  bool ready() const;

 private:
  std::unique_ptr<translation::RecognizerPool> recognizers_;
  std::unique_ptr<translation::TranslationRouter> translator_;
  std::unique_ptr<translation::VoiceSet> voices_;
  std::unique_ptr<translation::TranslationEngines> engines_;
  std::unique_ptr<translation::TranslationService> service_;
  std::unique_ptr<signaling::TranslationBridge> bridge_;
  signaling::RoomDirectory& directory_;
  std::thread warmUp_;
};

}  // namespace jb::app
