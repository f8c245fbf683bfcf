#include "translation/pipeline/TranslationService.hpp"

#include <chrono>

namespace jb::translation {

namespace {
int64_t wallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

TranslationService::TranslationService(Options options, TranslationEngines& engines)
    : options_(options),
      engines_(engines),
      finisher_(
          engines, rooms_, metrics_, options.pendingUtterances,
          [this](CaptionEvent caption) { listener_->onCaption(std::move(caption)); },
          [this](SynthesizedSpeech speech) { listener_->onSynthesizedSpeech(std::move(speech)); }) {
  unsigned threads = std::max(1u, options_.recognitionThreads);
  for (unsigned i = 0; i < threads; ++i) {
    shards_.push_back(std::make_unique<RecognitionShard>(
        options_.tapQueuePackets,
        [this](const sfu::AudioTapStream& info) {
          return std::make_unique<SpeakerStream>(info, options_.segmentation, engines_.recognizers,
                                                 [this, info] {
                                                   auto speaker = rooms_.speaker(info.roomId, info.peerId);
                                                   return speaker ? speaker->language : std::string();
                                                 });
        },
        [this](const sfu::AudioTapStream& info, SpeakerStream::Update update) {
          onRecognized(info, std::move(update));
        },
        metrics_));
  }
}

TranslationService::~TranslationService() {
  stop();
}

void TranslationService::start(Listener& listener) {
  listener_ = &listener;
  finisher_.start();
  for (auto& shard : shards_) shard->start();
}

void TranslationService::stop() {
  for (auto& shard : shards_) shard->stop();
  finisher_.stop();
}

uint64_t TranslationService::openStream(const sfu::AudioTapStream& stream) {
  uint64_t id = nextStream_.fetch_add(1);
  shardOf(id).open(id, stream);
  return id;
}

void TranslationService::push(uint64_t stream, const rtp::RtpPacket& packet) {
  shardOf(stream).push(stream, packet);
}

void TranslationService::setPaused(uint64_t stream, bool paused) {
  shardOf(stream).setPaused(stream, paused);
}

void TranslationService::closeStream(uint64_t stream) {
  shardOf(stream).close(stream);
}

void TranslationService::onRecognized(const sfu::AudioTapStream& stream, SpeakerStream::Update update) {
  CaptionEvent event;
  event.roomId = stream.roomId;
  event.speakerPeerId = stream.peerId;
  if (auto speaker = rooms_.speaker(stream.roomId, stream.peerId)) event.speakerName = speaker->displayName;
  event.utteranceId = std::move(update.utteranceId);
  event.final = update.final;
  event.language = std::move(update.language);
  event.timestampMs = wallClockMs();
  if (!update.final) {
    // Partials are short and the translation cache absorbs repeats, so they are translated right here
    // on the recognition thread (a warm Apertium pipeline takes a couple of milliseconds).
    event.text = engines_.normalizer.normalizePartial(update.text);
    if (event.text.empty()) return;
    finisher_.translateForRoom(event);
    metrics_.partialCaptions.fetch_add(1, std::memory_order_relaxed);
    listener_->onCaption(std::move(event));
    return;
  }
  event.text = engines_.normalizer.normalize(update.text);
  if (event.text.empty()) return;
  event.speechEnded = update.speechEnded;
  metrics_.utterances.fetch_add(1, std::memory_order_relaxed);
  metrics_.asrFinal.observe(update.recognized - update.speechEnded);
  finisher_.submit(std::move(event));
}

}  // namespace jb::translation
