#include <gtest/gtest.h>

#include "LossRecoveryTestDoubles.hpp"
#include "RtpTestPackets.hpp"
#include "sfu/Consumer.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using test::u16;
using test::u32;

constexpr uint8_t kProducerPt = 96;
constexpr uint32_t kProducerSsrc = 1111;
constexpr uint8_t kConsumerPt = 101;
constexpr uint32_t kConsumerSsrc = 4242;
constexpr uint8_t kRtxPt = 102;
constexpr uint32_t kRtxSsrc = 5353;

ConsumerParameters parameters(bool rtx) {
  ConsumerParameters p;
  // A codec the keyframe check does not know, so the consumer forwards from the first packet on.
  p.rtpParameters.codecs.push_back({"video/X-TEST", kConsumerPt, 90000, 0, nlohmann::json::object(), {}});
  p.producerPayloadType = kProducerPt;
  p.payloadType = kConsumerPt;
  p.clockRate = 90000;
  p.ssrc = kConsumerSsrc;
  if (rtx) {
    p.rtxPayloadType = kRtxPt;
    p.rtxSsrc = kRtxSsrc;
  }
  return p;
}

// A producer's stream as the consumer sees it: packets go into the shared buffer (as Producer does)
// and are fanned out to the consumer.
class ConsumerNackTest : public ::testing::Test {
 protected:
  void makeConsumer(bool rtx) {
    consumer_ = std::make_unique<Consumer>("c", "peer", "p", MediaKind::Video, parameters(rtx), false, sink_,
                                           listener_, &counters_);
    consumer_->resume();
  }
  void produce(uint16_t seq) {
    auto bytes = test::rtpBytes(kProducerPt, seq, 9000u + seq, kProducerSsrc);
    auto packet = rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet);
    buffer_.insert(*packet, now_);
    consumer_->sendRtp(*packet);
  }
  void nack(std::vector<uint16_t> seqs) {
    consumer_->receiveNack(rtp::rtcp::Nack{1, kConsumerSsrc, std::move(seqs)}, now_);
  }

  RetransmissionBuffer buffer_;
  test::RecordingSink sink_;
  test::FixedSourceConsumerListener listener_{&buffer_};
  WorkerCounters counters_;
  std::unique_ptr<Consumer> consumer_;
  RetransmissionBuffer::Clock::time_point now_ = RetransmissionBuffer::Clock::now();
};

TEST_F(ConsumerNackTest, AnswersNackWithRtxCarryingOurSequenceNumberAsOsn) {
  makeConsumer(true);
  for (uint16_t s = 1000; s < 1005; ++s) produce(s);
  // Pause and resume: our numbering continues at 1005 while the producer's jumped to 1010.
  consumer_->pause();
  consumer_->resume();
  for (uint16_t s = 1010; s < 1015; ++s) produce(s);
  ASSERT_EQ(sink_.rtp.size(), 10u);
  EXPECT_EQ(u16(sink_.rtp.back(), 2), 1009);
  sink_.rtp.clear();

  nack({1007, 1008});
  ASSERT_EQ(sink_.rtp.size(), 2u);
  const auto& rtx = sink_.rtp[0];
  const auto original = test::rtpBytes(kProducerPt, 1012, 9000u + 1012, kProducerSsrc);
  ASSERT_EQ(rtx.size(), original.size() + 2);
  EXPECT_EQ(rtx[0], 0x80) << "V=2, no padding/extension/CSRC";
  EXPECT_EQ(rtx[1] & 0x7f, kRtxPt);
  const uint16_t rtxSeq = u16(rtx, 2);
  EXPECT_EQ(u32(rtx, 4), 9000u + 1012) << "timestamp: the producer's plus our (zero) offset";
  EXPECT_EQ(u32(rtx, 8), kRtxSsrc);
  EXPECT_EQ(u16(rtx, 12), 1007) << "OSN is the number the receiver knows (ours), not the producer's 1012";
  EXPECT_TRUE(std::equal(rtx.begin() + 14, rtx.end(), original.begin() + 12))
      << "payload of producer seq 1012";
  EXPECT_EQ(u16(sink_.rtp[1], 2), static_cast<uint16_t>(rtxSeq + 1)) << "RTX numbers its own packets";
  EXPECT_EQ(u16(sink_.rtp[1], 12), 1008);
  EXPECT_EQ(consumer_->retransmissionsSent(), 2u);
  EXPECT_EQ(counters_.retransmissionsSent.load(), 2u);
}

TEST_F(ConsumerNackTest, ResendsPlainPacketWithoutRtx) {
  makeConsumer(false);
  for (uint16_t s = 50; s < 55; ++s) produce(s);
  sink_.rtp.clear();
  nack({52});
  ASSERT_EQ(sink_.rtp.size(), 1u);
  const auto& p = sink_.rtp[0];
  EXPECT_EQ(p[1] & 0x7f, kConsumerPt);
  EXPECT_EQ(u16(p, 2), 52);
  EXPECT_EQ(u32(p, 8), kConsumerSsrc);
  EXPECT_EQ(p.size(), test::rtpBytes(kProducerPt, 52, 0, 0).size());
}

TEST_F(ConsumerNackTest, IgnoresAndCountsSequenceNeverSent) {
  makeConsumer(true);
  for (uint16_t s = 1000; s < 1005; ++s) produce(s);
  consumer_->pause();
  consumer_->resume();
  for (uint16_t s = 1010; s < 1012; ++s) produce(s);
  sink_.rtp.clear();
  // 999 and 2000 were never sent; 1003 was, but under the offset before the re-sync; 1007 is ahead
  // of anything sent.
  nack({999, 2000, 1003, 1007});
  EXPECT_TRUE(sink_.rtp.empty());
  EXPECT_EQ(counters_.dropped(DropReason::NackUnknownSequence), 4u);
}

TEST_F(ConsumerNackTest, AnswersEachSequenceOnceInANack) {
  makeConsumer(true);
  for (uint16_t s = 10; s < 20; ++s) produce(s);
  sink_.rtp.clear();
  nack({15, 12, 15, 12, 15});
  ASSERT_EQ(sink_.rtp.size(), 2u);
  EXPECT_EQ(u16(sink_.rtp[0], 12), 12) << "oldest first";
  EXPECT_EQ(u16(sink_.rtp[1], 12), 15);
}

TEST_F(ConsumerNackTest, CapsRetransmissionsInANackStorm) {
  makeConsumer(true);
  for (uint16_t s = 100; s < 200; ++s) produce(s);
  sink_.rtp.clear();
  std::vector<uint16_t> all;
  for (uint16_t s = 100; s < 200; ++s) all.push_back(s);
  for (int i = 0; i < 20; ++i) nack(all);  // 2000 requests in the same instant
  const size_t sent = sink_.rtp.size();
  EXPECT_LE(sent, 100u) << "the burst allowance";
  EXPECT_GT(sent, 0u);
  EXPECT_EQ(counters_.dropped(DropReason::NackRateLimited), 2000u - sent);

  // The budget refills with time, at the sustained rate.
  sink_.rtp.clear();
  now_ += 100ms;
  nack(all);
  EXPECT_GT(sink_.rtp.size(), 0u);
  EXPECT_LE(sink_.rtp.size(), 26u);
}

TEST_F(ConsumerNackTest, PausedConsumerResendsNothing) {
  makeConsumer(true);
  for (uint16_t s = 10; s < 15; ++s) produce(s);
  consumer_->pause();
  sink_.rtp.clear();
  nack({12});
  EXPECT_TRUE(sink_.rtp.empty());
}

}  // namespace
}  // namespace jb::sfu
