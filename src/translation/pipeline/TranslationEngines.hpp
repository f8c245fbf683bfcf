#pragma once

#include "translation/asr/RecognizerPool.hpp"
#include "translation/asr/TextNormalizer.hpp"
#include "translation/mt/TranslationRouter.hpp"
#include "translation/tts/VoiceSet.hpp"

namespace jb::translation {

// The engines one pipeline runs on, each behind its seam (SpeechRecognizer, Translator,
// Synthesizer). The pipeline only sees these; which engine implements each is the caller's choice.
struct TranslationEngines {
  RecognizerPool& recognizers;
  TranslationRouter& translator;
  const VoiceSet& voices;
  TextNormalizer normalizer{};
};

}  // namespace jb::translation
