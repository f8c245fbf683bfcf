#include "translation/pipeline/RecognitionShard.hpp"

#include <spdlog/spdlog.h>

#include <cstring>

namespace jb::translation {

namespace {
using Clock = std::chrono::steady_clock;
// How long the thread sleeps when there is nothing to do. Adds at most this to caption latency,
// and keeps an idle pipeline off the CPU.
constexpr auto kIdleSleep = std::chrono::milliseconds(4);
constexpr auto kIdleCheckInterval = std::chrono::milliseconds(20);
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
  }
  Item item{};
  item.stream = stream;
  item.kind = Item::Kind::Close;
  // A lost close would leak the stream until shutdown; retry briefly rather than drop it.
  for (int attempt = 0; attempt < 50 && !enqueue(item); ++attempt) std::this_thread::yield();
}

void RecognitionShard::run() {
  auto lastIdleCheck = Clock::now();
  while (running_.load(std::memory_order_relaxed)) {
    Item item;
    size_t handled = 0;
    while (handled < 256 && queue_.pop(item)) {
      handle(item);
      ++handled;
    }
    auto now = Clock::now();
    if (now - lastIdleCheck >= kIdleCheckInterval) {
      lastIdleCheck = now;
      for (auto& [id, stream] : streams_) deliver(stream->info(), stream->onIdle(now));
    }
    if (handled == 0) std::this_thread::sleep_for(kIdleSleep);
  }
  auto now = Clock::now();
  for (auto& [id, stream] : streams_) deliver(stream->info(), stream->onClosed(now));
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
  switch (item.kind) {
    case Item::Kind::Open:
    case Item::Kind::Resume:
      break;
    case Item::Kind::Packet:
      deliver(stream.info(), stream.onPacket(item.sequenceNumber, item.rtpTimestamp,
                                             std::span<const uint8_t>(item.payload, item.length),
                                             Clock::time_point(Clock::duration(item.arrivalNanos))));
      break;
    case Item::Kind::Pause:
      deliver(stream.info(), stream.onPaused(now));
      break;
    case Item::Kind::Close: {
      deliver(stream.info(), stream.onClosed(now));
      streams_.erase(it);
      metrics_.activeStreams.fetch_sub(1);
      break;
    }
  }
}

void RecognitionShard::deliver(const sfu::AudioTapStream& info, std::vector<SpeakerStream::Update> updates) {
  for (auto& update : updates) onUpdate_(info, std::move(update));
}

}  // namespace jb::translation
