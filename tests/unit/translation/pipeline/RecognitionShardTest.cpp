#include <gtest/gtest.h>

#include <condition_variable>

#include "PipelineFakes.hpp"
#include "RtpOpusSource.hpp"
#include "translation/pipeline/RecognitionShard.hpp"

namespace jb::translation {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Update = SpeakerStream::Update;

class RecognitionShardTest : public ::testing::Test {
 protected:
  std::unique_ptr<RecognitionShard> makeShard(size_t capacity) {
    pool_ = std::make_unique<RecognizerPool>(test::scriptedFactory(script_, calls_), 0, 4);
    return std::make_unique<RecognitionShard>(
        capacity,
        [this](const sfu::AudioTapStream& info) {
          return std::make_unique<SpeakerStream>(info, UtteranceSegmenter::Options{}, *pool_,
                                                 [] { return std::string("en"); });
        },
        [this](const sfu::AudioTapStream& info, Update update) {
          {
            std::lock_guard lock(mutex_);
            peers_.push_back(info.peerId);
            updates_.push_back(std::move(update));
          }
          changed_.notify_all();
        },
        metrics_);
  }

  // 200 ms of silence, a tone, then silence, as RTP packets.
  std::vector<std::vector<uint8_t>> utterance(int toneMs, int trailingSilenceMs) {
    auto audio = test::silence48k(200);
    test::append(audio, toneMs > 3000 ? test::syllables48k(toneMs) : test::tone48k(toneMs));
    test::append(audio, test::silence48k(trailingSilenceMs));
    return source_.packets(audio);
  }

  // Pushes one packet every 20 ms, timing each push() call.
  test::PushTimer pushLive(RecognitionShard& shard, uint64_t stream,
                           std::vector<std::vector<uint8_t>>& packets) {
    test::PushTimer timer;
    auto due = Clock::now();
    for (auto& bytes : packets) {
      std::this_thread::sleep_until(due);
      due += test::kFrameDuration;
      auto packet = test::rtpView(bytes);
      timer.time([&] { shard.push(stream, packet); });
    }
    return timer;
  }

  bool waitForFinals(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return finals() >= count; });
  }
  size_t finals() const {
    return static_cast<size_t>(
        std::count_if(updates_.begin(), updates_.end(), [](const Update& u) { return u.final; }));
  }
  std::vector<Update> updates() {
    std::lock_guard lock(mutex_);
    return updates_;
  }

  test::ScriptedRecognizer::Script script_;
  std::shared_ptr<test::RecognizerCalls> calls_ = std::make_shared<test::RecognizerCalls>();
  std::unique_ptr<RecognizerPool> pool_;
  TranslationMetrics metrics_;
  test::RtpOpusSource source_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> peers_;
  std::vector<Update> updates_;
};

TEST_F(RecognitionShardTest, FullQueueDropsAndCountsWithoutBlockingTheCaller) {
  auto shard = makeShard(16);  // not started: nothing drains the queue
  auto packets = utterance(3000, 0);
  ASSERT_GE(packets.size(), 100u);

  test::PushTimer timer;
  for (auto& bytes : packets) {
    auto packet = test::rtpView(bytes);
    timer.time([&] { shard->push(7, packet); });
  }
  EXPECT_EQ(metrics_.packetsTapped, packets.size());
  EXPECT_EQ(metrics_.tapDropsQueueFull, packets.size() - 16) << "exactly the queue's capacity is kept";
  EXPECT_EQ(metrics_.tapDropsOversize, 0u);
  EXPECT_TRUE(timer.neverWaited()) << "push() must never wait for room: " << timer.summary();

  // A pause that finds the queue full is dropped and counted the same way.
  shard->setPaused(7, true);
  EXPECT_EQ(metrics_.tapDropsQueueFull, packets.size() - 16 + 1);
  // Packets of a stream that was never opened are discarded by the thread, not a crash.
  shard->start();
  shard->stop();
  EXPECT_EQ(metrics_.activeStreams, 0);
}

TEST_F(RecognitionShardTest, OversizePayloadIsCountedAndNotQueued) {
  auto shard = makeShard(16);
  std::vector<uint8_t> big(513, 0x5a);
  std::vector<uint8_t> largest(512, 0x5a);
  auto bigBytes = test::rtpPacketBytes(1, 960, 1, big);
  auto largestBytes = test::rtpPacketBytes(2, 1920, 1, largest);

  shard->push(1, test::rtpView(bigBytes));
  EXPECT_EQ(metrics_.tapDropsOversize, 1u);
  shard->push(1, test::rtpView(largestBytes));
  EXPECT_EQ(metrics_.tapDropsOversize, 1u) << "512 bytes fit";
  EXPECT_EQ(metrics_.tapDropsQueueFull, 0u);
  EXPECT_EQ(metrics_.packetsTapped, 2u);
}

TEST_F(RecognitionShardTest, DeliversPartialsThenFinalAndForgetsAClosedStream) {
  auto shard = makeShard(256);
  shard->start();
  shard->open(1, {"room", "prod", "alice"});
  auto packets = utterance(1000, 600);
  auto timer = pushLive(*shard, 1, packets);
  ASSERT_TRUE(waitForFinals(1, 5s));
  EXPECT_EQ(metrics_.activeStreams, 1);

  auto got = updates();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_FALSE(got[0].final);
  EXPECT_FALSE(got[1].final);
  EXPECT_TRUE(got[2].final);
  EXPECT_EQ(got[2].text, "hello world again");
  EXPECT_EQ(peers_, (std::vector<std::string>{"alice", "alice", "alice"}));
  EXPECT_TRUE(timer.neverWaited()) << timer.summary();

  shard->close(1);
  auto deadline = Clock::now() + 2s;
  while (metrics_.activeStreams != 0 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(metrics_.activeStreams, 0);
  shard->stop();
  EXPECT_EQ(metrics_.tapDropsQueueFull, 0u);
}

TEST_F(RecognitionShardTest, UtteranceWithoutAFreeRecognizerIsCountedAsSkipped) {
  auto shard = makeShard(256);
  std::vector<RecognizerPool::Lease> held;  // other speakers hold every recognizer the pool may make
  for (int i = 0; i < 4; ++i) held.push_back(pool_->acquire("en"));
  shard->start();
  shard->open(1, {"room", "prod", "carol"});
  auto first = utterance(800, 600);
  pushLive(*shard, 1, first);
  auto deadline = Clock::now() + 3s;
  while (metrics_.utterancesSkipped == 0 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(metrics_.utterancesSkipped, 1u);
  EXPECT_EQ(finals(), 0u);

  held.clear();  // a recognizer is free again: the next utterance is captioned and not counted
  auto second = utterance(800, 600);
  pushLive(*shard, 1, second);
  ASSERT_TRUE(waitForFinals(1, 5s));
  shard->stop();
  EXPECT_EQ(metrics_.utterancesSkipped, 1u);
}

TEST_F(RecognitionShardTest, OpenLostToAFullQueueTakesEffectWithTheFirstPacket) {
  auto shard = makeShard(32);
  auto filler = utterance(1000, 0);
  for (size_t i = 0; i < 32; ++i) shard->push(99, test::rtpView(filler[i]));  // a stream never opened
  shard->open(1, {"room", "prod", "bob"});                                    // its Open item is dropped
  shard->start();
  auto packets = utterance(800, 600);
  pushLive(*shard, 1, packets);
  ASSERT_TRUE(waitForFinals(1, 5s));
  EXPECT_EQ(peers_.back(), "bob");
}

TEST_F(RecognitionShardTest, BackloggedPacketsAreNotMistakenForSilence) {
  // A slow recognizer and a burst of packets: the thread is far behind the media. Packets still in
  // the queue are not a gap in the stream, so the utterance must not be cut by made-up silence.
  script_.delayPerChunk = 3ms;
  auto shard = makeShard(1024);
  shard->open(1, {"room", "prod", "alice"});
  auto packets = utterance(8000, 1000);
  for (auto& bytes : packets) shard->push(1, test::rtpView(bytes));
  shard->start();
  ASSERT_TRUE(waitForFinals(1, 20s));
  std::this_thread::sleep_for(300ms);  // a second final, if the utterance was cut, shows up now
  shard->stop();
  EXPECT_EQ(finals(), 1u);
  EXPECT_EQ(calls_->started, 1);
  EXPECT_EQ(metrics_.tapDropsQueueFull, 0u);
}

TEST_F(RecognitionShardTest, CloseIsNotLostToAFullQueue) {
  script_.delayPerChunk = 100ms;  // once the utterance starts, the thread falls far behind
  auto shard = makeShard(8);
  shard->start();
  shard->open(1, {"room", "prod", "alice"});
  auto packets = utterance(1000, 0);
  std::vector<std::vector<uint8_t>> opening(packets.begin(), packets.begin() + 20);
  pushLive(*shard, 1, opening);
  for (size_t i = 20; i < packets.size(); ++i) shard->push(1, test::rtpView(packets[i]));
  ASSERT_GT(metrics_.tapDropsQueueFull, 0u) << "the queue should be full when the producer closes";

  shard->close(1);  // its Close item finds no room
  ASSERT_TRUE(waitForFinals(1, 10s)) << "the open utterance ends with the stream";
  auto deadline = Clock::now() + 5s;
  while (metrics_.activeStreams != 0 && Clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(metrics_.activeStreams, 0) << "the stream is closed, not leaked";
  shard->stop();
}

TEST_F(RecognitionShardTest, StoppingDeliversTheFinalOfAnOpenUtterance) {
  auto shard = makeShard(256);
  shard->start();
  shard->open(1, {"room", "prod", "alice"});
  auto packets = utterance(800, 0);
  pushLive(*shard, 1, packets);
  std::this_thread::sleep_for(50ms);
  shard->stop();
  EXPECT_EQ(finals(), 1u);
  EXPECT_EQ(metrics_.activeStreams, 0);
}

}  // namespace
}  // namespace jb::translation
