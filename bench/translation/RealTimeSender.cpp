#include "RealTimeSender.hpp"

#include <pthread.h>
#include <sched.h>

#include <array>
#include <queue>
#include <tuple>

#include "LatencySummary.hpp"
#include "ProcessCpu.hpp"
#include "rtp/RtpPacket.hpp"

namespace jb::bench {

namespace {

// RFC 3550 §5.1 fixed header, no CSRCs or extensions.
size_t writeRtp(std::array<uint8_t, 12 + 1500>& buffer, uint16_t seq, uint32_t timestamp, uint32_t ssrc,
                const std::vector<uint8_t>& payload) {
  buffer[0] = 0x80;
  buffer[1] = RealTimeSender::kOpusPayloadType;
  buffer[2] = static_cast<uint8_t>(seq >> 8);
  buffer[3] = static_cast<uint8_t>(seq);
  for (int i = 0; i < 4; ++i) buffer[4 + i] = static_cast<uint8_t>(timestamp >> (24 - 8 * i));
  for (int i = 0; i < 4; ++i) buffer[8 + i] = static_cast<uint8_t>(ssrc >> (24 - 8 * i));
  size_t size = std::min(payload.size(), buffer.size() - 12);
  std::copy_n(payload.begin(), size, buffer.begin() + 12);
  return 12 + size;
}

}  // namespace

RealTimeSender::RealTimeSender(sfu::AudioTap& tap, std::vector<Feed> feeds)
    : tap_(tap), feeds_(std::move(feeds)) {}

RealTimeSender::~RealTimeSender() {
  join();
}

void RealTimeSender::start(Clock::time_point at) {
  thread_ = std::thread([this, at] { run(at); });
}

void RealTimeSender::join() {
  if (thread_.joinable()) thread_.join();
}

void RealTimeSender::run(Clock::time_point start) {
  sched_param param{};
  param.sched_priority = 10;
  realTimePriority_ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
  double cpuStart = currentThreadCpuSeconds();

  pushTimes_.assign(feeds_.size(), {});
  size_t total = 0;
  for (size_t i = 0; i < feeds_.size(); ++i) {
    pushTimes_[i].resize(feeds_[i].script->packets.size());
    total += feeds_[i].script->packets.size();
  }
  latenessMs_.reserve(total);

  // (due, speaker, packet), earliest first.
  using Slot = std::tuple<Clock::time_point, size_t, size_t>;
  std::priority_queue<Slot, std::vector<Slot>, std::greater<>> due;
  for (size_t i = 0; i < feeds_.size(); ++i) {
    if (!feeds_[i].script->packets.empty())
      due.emplace(start + std::chrono::duration_cast<Clock::duration>(feeds_[i].script->startOffset), i, 0);
  }
  std::array<uint8_t, 12 + 1500> buffer{};
  while (!due.empty()) {
    auto [when, speaker, index] = due.top();
    due.pop();
    std::this_thread::sleep_until(when);
    const Feed& feed = feeds_[speaker];
    // Sequence numbers and timestamps start at arbitrary points, as a browser's do.
    auto seq = static_cast<uint16_t>(1000 * speaker + index);
    auto timestamp = static_cast<uint32_t>(90000 * speaker + 960 * index);
    size_t size = writeRtp(buffer, seq, timestamp, feed.script->ssrc, *feed.script->packets[index]);
    auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(buffer.data(), size));
    auto pushed = Clock::now();
    if (packet) tap_.push(feed.stream, *packet);
    pushTimes_[speaker][index] = pushed;
    latenessMs_.push_back(toMs(pushed - when));
    if (index + 1 < feed.script->packets.size())
      due.emplace(when + SpokenSentence::kPacketDuration, speaker, index + 1);
  }
  finishedAt_ = Clock::now();
  threadCpuSeconds_ = currentThreadCpuSeconds() - cpuStart;
}

}  // namespace jb::bench
