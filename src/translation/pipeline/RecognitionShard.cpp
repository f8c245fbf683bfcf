#include "translation/pipeline/RecognitionShard.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstring>

namespace jb::translation {

namespace {
using Clock = std::chrono::steady_clock;
// How long the thread sleeps when there is nothing to do. Adds at most this to caption latency,
// and keeps an idle pipeline off the CPU.
constexpr auto kIdleSleep = std::chrono::milliseconds(4);
constexpr auto kIdleCheckInterval = std::chrono::milliseconds(20);
// Items handled between two idle checks at most, so a long backlog still lets time advance.
constexpr size_t kBatch = 256;
}  // namespace

RecognitionShard::RecognitionShard(size_t queueCapacity, StreamFactory factory, UpdateHandler onUpdate,
                                   TranslationMetrics& metrics)
    : factory_(std::move(factory)),
      onUpdate_(std::move(onUpdate)),
      metrics_(metrics),
      queue_(queueCapacity) {}

RecognitionShard::~RecognitionShard() {
  stop();
}

void RecognitionShard::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void RecognitionShard::stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
}

bool RecognitionShard::enqueue(const Item& item) {
  // bounded_push never allocates: a full queue is a drop, not a wait or a malloc on the media thread.
  return queue_.bounded_push(item);
}

void RecognitionShard::open(uint64_t stream, const sfu::AudioTapStream& info) {
  {
    std::lock_guard lock(pendingMutex_);
    pendingOpen_[stream] = info;
  }
  Item item{};
  item.stream = stream;
  item.kind = Item::Kind::Open;
  enqueue(item);  // if full, the stream is opened when its first packet gets through
}

void RecognitionShard::push(uint64_t stream, const rtp::RtpPacket& packet) {
  metrics_.packetsTapped.fetch_add(1, std::memory_order_relaxed);
  auto payload = packet.payload();
  if (payload.size() > sizeof(Item::payload)) {
    metrics_.tapDropsOversize.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  Item item;
  item.stream = stream;
  item.arrivalNanos = Clock::now().time_since_epoch().count();
  item.rtpTimestamp = packet.timestamp();
  item.sequenceNumber = packet.sequenceNumber();
  item.length = static_cast<uint16_t>(payload.size());
  item.kind = Item::Kind::Packet;
  std::memcpy(item.payload, payload.data(), payload.size());
  if (!enqueue(item)) metrics_.tapDropsQueueFull.fetch_add(1, std::memory_order_relaxed);
}

void RecognitionShard::setPaused(uint64_t stream, bool paused) {
  Item item{};
  item.stream = stream;
  item.kind = paused ? Item::Kind::Pause : Item::Kind::Resume;
  if (!enqueue(item)) metrics_.tapDropsQueueFull.fetch_add(1, std::memory_order_relaxed);
}

void RecognitionShard::close(uint64_t stream) {
  {
    std::lock_guard lock(pendingMutex_);
    pendingOpen_.erase(stream);
    pendingClose_.insert(stream);
  }
  Item item{};
  item.stream = stream;
  item.kind = Item::Kind::Close;
  // In order behind the stream's last packets. If the queue is full, the thread closes the stream
  // once it has drained the queue (closeLost), so a close is never lost and never waited for.
  enqueue(item);
}

void RecognitionShard::closeLost() {
  std::set<uint64_t> closing;
  {
    std::lock_guard lock(pendingMutex_);
    if (pendingClose_.empty()) return;
    closing.swap(pendingClose_);
  }
  auto now = Clock::now();
  for (uint64_t id : closing) {
    auto it = streams_.find(id);
    if (it == streams_.end()) continue;
    deliver(*it->second, it->second->onClosed(now));
    streams_.erase(it);
    metrics_.activeStreams.fetch_sub(1);
  }
}

void RecognitionShard::run() {
  auto lastIdleCheck = Clock::now();
  // Arrival of the newest packet handed to a stream: whatever arrived before it has been handled.
  Clock::time_point newestHandled{};
  while (running_.load(std::memory_order_relaxed)) {
    Item item;
    size_t handled = 0;
    bool drained = false;
    auto emptyAt = Clock::now();
    while (handled < kBatch) {
      emptyAt = Clock::now();
      if (!queue_.pop(item)) {
        drained = true;
        break;
      }
      if (item.kind == Item::Kind::Packet)
        newestHandled = std::max(newestHandled, Clock::time_point(Clock::duration(item.arrivalNanos)));
      handle(item);
      ++handled;
    }
    // Everything queued before a lost Close has been handled now, so the stream can go.
    if (drained) closeLost();
    auto now = Clock::now();
    if (now - lastIdleCheck >= kIdleCheckInterval) {
      lastIdleCheck = now;
      // A stream is silent only up to what the queue shows. While the thread is behind, the packets
      // still queued are not a gap: counting them as one would cut utterances short and feed the
      // recognizer made-up silence exactly when it is overloaded.
      auto horizon = drained ? emptyAt : newestHandled;
      for (auto& [id, stream] : streams_) deliver(*stream, stream->onIdle(horizon));
    }
    if (handled == 0) std::this_thread::sleep_for(kIdleSleep);
  }
  auto now = Clock::now();
  for (auto& [id, stream] : streams_) deliver(*stream, stream->onClosed(now));
  metrics_.activeStreams.fetch_sub(static_cast<int64_t>(streams_.size()));
  streams_.clear();
}

void RecognitionShard::handle(const Item& item) {
  auto it = streams_.find(item.stream);
  if (it == streams_.end() && item.kind != Item::Kind::Close) {
    sfu::AudioTapStream info;
    {
      std::lock_guard lock(pendingMutex_);
      auto pending = pendingOpen_.find(item.stream);
      if (pending == pendingOpen_.end()) return;  // closed already
      info = std::move(pending->second);
      pendingOpen_.erase(pending);
    }
    try {
      it = streams_.emplace(item.stream, factory_(info)).first;
      metrics_.activeStreams.fetch_add(1);
    } catch (const std::exception& e) {
      spdlog::error("[translation] room={} peer={} cannot open audio stream: {}", info.roomId, info.peerId,
                    e.what());
      return;
    }
  }
  if (it == streams_.end()) return;
  SpeakerStream& stream = *it->second;
  auto now = Clock::now();
  try {
    switch (item.kind) {
      case Item::Kind::Open:
      case Item::Kind::Resume:
        break;
      case Item::Kind::Packet:
        deliver(stream, stream.onPacket(item.sequenceNumber, item.rtpTimestamp,
                                        std::span<const uint8_t>(item.payload, item.length),
                                        Clock::time_point(Clock::duration(item.arrivalNanos))));
        break;
      case Item::Kind::Pause:
        deliver(stream, stream.onPaused(now));
        break;
      case Item::Kind::Close:
        deliver(stream, stream.onClosed(now));
        break;
    }
  } catch (const std::exception& e) {
    // One stream's failure (a codec or resampler error) costs that item, not the thread and with it
    // every other stream of the shard.
    spdlog::error("[translation] room={} peer={} audio stream failed: {}", stream.info().roomId,
                  stream.info().peerId, e.what());
  }
  // Skips the stream counted before a failure above would otherwise wait for its next delivery, or
  // be lost with a closed stream.
  countSkips(stream);
  if (item.kind == Item::Kind::Close) {
    streams_.erase(it);
    metrics_.activeStreams.fetch_sub(1);
    std::lock_guard lock(pendingMutex_);
    pendingClose_.erase(item.stream);
  }
}

void RecognitionShard::countSkips(SpeakerStream& stream) {
  if (uint64_t skipped = stream.takeNewSkippedUtterances())
    metrics_.utterancesSkipped.fetch_add(skipped, std::memory_order_relaxed);
}

void RecognitionShard::deliver(SpeakerStream& stream, std::vector<SpeakerStream::Update> updates) {
  countSkips(stream);
  for (auto& update : updates) onUpdate_(stream.info(), std::move(update));
}

}  // namespace jb::translation
