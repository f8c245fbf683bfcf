#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "sfu/AudioTap.hpp"
#include "translation/audio/UtteranceSegmenter.hpp"
#include "translation/pipeline/CaptionEvent.hpp"
#include "translation/pipeline/RecognitionShard.hpp"
#include "translation/pipeline/RoomLanguages.hpp"
#include "translation/pipeline/TranslationEngines.hpp"
#include "translation/pipeline/TranslationMetrics.hpp"
#include "translation/pipeline/UtteranceFinisher.hpp"

namespace jb::translation {

// The live-translation pipeline (ARCHITECTURE.md, "Translation pipeline"): audio tapped from the
// SFU's producers -> captions (partial and final, in every caption language of the room) and
// translated speech. Media threads only ever push into bounded queues; recognition runs on
// `recognitionThreads` threads (a stream stays on one), translation and synthesis on another.
class TranslationService final : public sfu::AudioTap {
 public:
  struct Options {
    unsigned recognitionThreads = 1;
    size_t tapQueuePackets = 2048;  // per recognition thread: ~40 s of one speaker, ~7 s of six
    size_t pendingUtterances = 32;
    UtteranceSegmenter::Options segmentation{};
  };
  // Called on pipeline threads; implementations hand the event to their own thread.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onCaption(CaptionEvent caption) = 0;
    virtual void onSynthesizedSpeech(SynthesizedSpeech speech) = 0;
  };

  TranslationService(Options options, TranslationEngines& engines);
  ~TranslationService() override;
  TranslationService(const TranslationService&) = delete;
  TranslationService& operator=(const TranslationService&) = delete;

  // Events go to `listener` from here on; it must outlive stop().
  void start(Listener& listener);
  void stop();

  // Who speaks and listens in which language; signaling keeps it current.
  RoomLanguages& rooms() { return rooms_; }
  const TranslationMetrics& metrics() const { return metrics_; }
  TranslationEngines& engines() { return engines_; }

  // sfu::AudioTap (worker threads)
  uint64_t openStream(const sfu::AudioTapStream& stream) override;
  void push(uint64_t stream, const rtp::RtpPacket& packet) override;
  void setPaused(uint64_t stream, bool paused) override;
  void closeStream(uint64_t stream) override;

 private:
  RecognitionShard& shardOf(uint64_t stream) { return *shards_[stream % shards_.size()]; }
  void onRecognized(const sfu::AudioTapStream& stream, SpeakerStream::Update update);

  Options options_;
  TranslationEngines& engines_;
  Listener* listener_ = nullptr;
  RoomLanguages rooms_;
  TranslationMetrics metrics_;
  UtteranceFinisher finisher_;
  std::vector<std::unique_ptr<RecognitionShard>> shards_;
  std::atomic<uint64_t> nextStream_{1};
};

}  // namespace jb::translation
