#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "translation/pipeline/CaptionEvent.hpp"
#include "translation/pipeline/RoomLanguages.hpp"
#include "translation/pipeline/TranslationEngines.hpp"
#include "translation/pipeline/TranslationMetrics.hpp"

namespace jb::translation {

// Turns each final caption into every language its room wants, then into translated speech for the
// languages whose listeners turned voice on. Runs on its own thread so that a long synthesis never
// holds up recognition of the next speaker. Its queue is bounded: when full, the utterance is
// dropped (counted) rather than letting latency grow without end.
class UtteranceFinisher {
 public:
  using CaptionHandler = std::function<void(CaptionEvent)>;
  using SpeechHandler = std::function<void(SynthesizedSpeech)>;

  UtteranceFinisher(TranslationEngines& engines, const RoomLanguages& rooms, TranslationMetrics& metrics,
                    size_t capacity, CaptionHandler onCaption, SpeechHandler onSpeech);
  ~UtteranceFinisher();
  UtteranceFinisher(const UtteranceFinisher&) = delete;
  UtteranceFinisher& operator=(const UtteranceFinisher&) = delete;

  void start();
  void stop();
  // Any thread. False (and counted) if the queue is full.
  bool submit(CaptionEvent finalCaption);

  // Exposed for the pipeline's partial captions too: fills `event.translations` for every caption
  // language of the room. Thread-safe.
  void translateForRoom(CaptionEvent& event);

 private:
  void run();
  void finish(CaptionEvent event);

  TranslationEngines& engines_;
  const RoomLanguages& rooms_;
  TranslationMetrics& metrics_;
  size_t capacity_;
  CaptionHandler onCaption_;
  SpeechHandler onSpeech_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<CaptionEvent> queue_;
  bool running_ = false;
  std::thread thread_;
};

}  // namespace jb::translation
