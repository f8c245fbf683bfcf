#pragma once

#include <atomic>
#include <boost/lockfree/queue.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "rtp/RtpPacket.hpp"
#include "sfu/AudioTap.hpp"
#include "translation/pipeline/SpeakerStream.hpp"
#include "translation/pipeline/TranslationMetrics.hpp"

namespace jb::translation {

// One recognition thread and the tapped streams assigned to it. Media threads hand it packets
// through a bounded lock-free queue and never wait: when the queue is full the packet is dropped
// and counted. Everything a stream does (decode, segment, recognise) happens on this thread.
class RecognitionShard {
 public:
  using UpdateHandler = std::function<void(const sfu::AudioTapStream&, SpeakerStream::Update)>;
  using StreamFactory = std::function<std::unique_ptr<SpeakerStream>(const sfu::AudioTapStream&)>;

  RecognitionShard(size_t queueCapacity, StreamFactory factory, UpdateHandler onUpdate,
                   TranslationMetrics& metrics);
  ~RecognitionShard();
  RecognitionShard(const RecognitionShard&) = delete;
  RecognitionShard& operator=(const RecognitionShard&) = delete;

  void start();
  void stop();

  // Any thread. open/close are control events; push never blocks.
  void open(uint64_t stream, const sfu::AudioTapStream& info);
  void push(uint64_t stream, const rtp::RtpPacket& packet);
  void setPaused(uint64_t stream, bool paused);
  void close(uint64_t stream);

 private:
  // Plain data so the lock-free queue can copy it. 512 bytes holds any 20 ms Opus frame a browser
  // sends for speech (510 bytes is Opus's own maximum at 20 ms).
  struct Item {
    enum class Kind : uint8_t { Packet, Open, Pause, Resume, Close };
    uint64_t stream;
    int64_t arrivalNanos;
    uint32_t rtpTimestamp;
    uint16_t sequenceNumber;
    uint16_t length;
    Kind kind;
    uint8_t payload[512];
  };

  bool enqueue(const Item& item);
  void run();
  // Streams whose Close item was lost to a full queue, closed once the queue has been drained.
  void closeLost();
  void handle(const Item& item);
  void deliver(SpeakerStream& stream, std::vector<SpeakerStream::Update> updates);
  // Adds the utterances the stream skipped since last asked to the service's metrics.
  void countSkips(SpeakerStream& stream);

  StreamFactory factory_;
  UpdateHandler onUpdate_;
  TranslationMetrics& metrics_;
  boost::lockfree::queue<Item> queue_;
  // Control events must not be lost to a full queue, so they also wait here until the thread sees them.
  std::mutex pendingMutex_;
  std::map<uint64_t, sfu::AudioTapStream> pendingOpen_;
  std::set<uint64_t> pendingClose_;
  std::unordered_map<uint64_t, std::unique_ptr<SpeakerStream>> streams_;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace jb::translation
