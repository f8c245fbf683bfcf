#include <gtest/gtest.h>

#include <thread>

#include "LossRecoveryTestDoubles.hpp"
#include "RtpTestPackets.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "sfu/Producer.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;
using test::u16;
using test::u32;

constexpr uint32_t kSsrc = 1111;
constexpr uint32_t kRtxSsrc = 2222;

// What mediasoup-client sends for a camera once the router offers video/rtx: RTX PT 97 for VP8 96.
RtpParameters cameraWithRtx() {
  return parseRtpParameters(nlohmann::json::parse(R"({
    "mid": "0",
    "codecs": [
      {"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
       "rtcpFeedback": [{"type": "nack", "parameter": ""}]},
      {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96}, "rtcpFeedback": []}
    ],
    "encodings": [{"ssrc": 1111, "rtx": {"ssrc": 2222}}],
    "rtcp": {"cname": "abc"}
  })"));
}

class ProducerLossRecoveryTest : public ::testing::Test {
 protected:
  void receive(uint16_t seq) {
    auto bytes = test::rtpBytes(96, seq, seq * 3000u, kSsrc);
    auto packet = rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet);
    producer_.receiveRtp(*packet);
  }
  // RFC 4588 §4: RTX PT and SSRC, own sequence number, OSN then the original payload.
  std::optional<DropReason> receiveRtx(uint16_t rtxSeq, uint16_t osn, uint8_t payloadType = 97) {
    auto original = test::rtpBytes(96, osn, osn * 3000u, kSsrc);
    std::vector<uint8_t> rtx(original.begin(), original.begin() + 12);
    rtx[1] = payloadType;
    rtx[2] = static_cast<uint8_t>(rtxSeq >> 8);
    rtx[3] = static_cast<uint8_t>(rtxSeq);
    rtx[8] = 0, rtx[9] = 0, rtx[10] = 0x08, rtx[11] = 0xae;  // 2222
    rtx.push_back(static_cast<uint8_t>(osn >> 8));
    rtx.push_back(static_cast<uint8_t>(osn));
    rtx.insert(rtx.end(), original.begin() + 12, original.end());
    auto packet = rtp::RtpPacket::parse(rtx);
    EXPECT_TRUE(packet);
    return producer_.receiveRtx(*packet);
  }
  std::vector<rtp::rtcp::Nack> sentNacks() const {
    std::vector<rtp::rtcp::Nack> out;
    for (const auto& bytes : sink_.rtcp) {
      auto packets = rtp::rtcp::parseCompound(bytes);
      if (!packets) continue;
      for (const auto& p : *packets)
        if (const auto* nack = std::get_if<rtp::rtcp::Nack>(&p)) out.push_back(*nack);
    }
    return out;
  }

  test::RecordingSink sink_;
  test::RecordingProducerListener listener_;
  WorkerCounters counters_;
  Producer producer_{"p", "peer", MediaKind::Video, cameraWithRtx(), "camera", sink_, listener_, &counters_};
};

TEST_F(ProducerLossRecoveryTest, AcceptsBrowsersRtxStream) {
  ASSERT_TRUE(producer_.rtxSsrc());
  EXPECT_EQ(*producer_.rtxSsrc(), kRtxSsrc);
  ASSERT_NE(producer_.retransmissionBuffer(), nullptr);
}

TEST_F(ProducerLossRecoveryTest, NacksGapUpstreamOnceReorderDelayPassed) {
  receive(10);
  receive(12);
  EXPECT_TRUE(sentNacks().empty()) << "12 may just have overtaken 11";
  std::this_thread::sleep_for(30ms);
  receive(13);
  auto nacks = sentNacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0].mediaSsrc, kSsrc);
  EXPECT_EQ(nacks[0].lostSequenceNumbers, (std::vector<uint16_t>{11}));
}

TEST_F(ProducerLossRecoveryTest, TimerNacksAGapAtTheEndOfABurstWithoutAnotherPacket) {
  receive(10);
  receive(12);  // then the sender goes quiet (end of a frame burst)
  producer_.sendDueNacks(std::chrono::steady_clock::now());
  EXPECT_TRUE(sentNacks().empty()) << "not before the reorder delay";
  // What the worker's tick does (Worker::onTick -> Router::onTimer -> Producer::sendDueNacks).
  producer_.sendDueNacks(std::chrono::steady_clock::now() + 30ms);
  auto nacks = sentNacks();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0].lostSequenceNumbers, (std::vector<uint16_t>{11}));
}

TEST_F(ProducerLossRecoveryTest, UnwrapsRtxIntoTheMediaStreamAndCountsIt) {
  receive(10);
  receive(12);
  ASSERT_EQ(receiveRtx(500, 11), std::nullopt);
  ASSERT_EQ(listener_.forwarded.size(), 3u);
  const auto& recovered = listener_.forwarded[2];
  EXPECT_EQ(recovered, test::rtpBytes(96, 11, 11 * 3000u, kSsrc)) << "byte for byte the lost original";
  EXPECT_EQ(counters_.retransmissionsReceived.load(), 1u);
  EXPECT_TRUE(producer_.retransmissionBuffer()->find(11, RetransmissionBuffer::Clock::now()));

  // The same retransmission again fills nothing and must not reach receivers twice.
  ASSERT_EQ(receiveRtx(501, 11), std::nullopt);
  EXPECT_EQ(listener_.forwarded.size(), 3u);
  EXPECT_EQ(counters_.retransmissionsReceived.load(), 1u);
}

TEST_F(ProducerLossRecoveryTest, DropsMalformedAndPaddingOnlyRtx) {
  receive(10);
  EXPECT_EQ(receiveRtx(1, 9, 98), DropReason::BadRtx) << "payload type not negotiated as RTX";
  std::vector<uint8_t> probe{0xa0, 97, 0, 2, 0, 0, 0, 0, 0, 0, 0x08, 0xae, 0, 0, 0, 4};
  auto packet = rtp::RtpPacket::parse(probe);
  ASSERT_TRUE(packet);
  EXPECT_EQ(producer_.receiveRtx(*packet), DropReason::RtxPadding);
  std::vector<uint8_t> oneByte{0x80, 97, 0, 3, 0, 0, 0, 0, 0, 0, 0x08, 0xae, 0x42};
  packet = rtp::RtpPacket::parse(oneByte);
  ASSERT_TRUE(packet);
  EXPECT_EQ(producer_.receiveRtx(*packet), DropReason::BadRtx);
  EXPECT_EQ(listener_.forwarded.size(), 1u);
}

TEST_F(ProducerLossRecoveryTest, LargeLossAsksForKeyframeInsteadOfNacks) {
  receive(10);
  receive(2000);
  ASSERT_EQ(sink_.rtcp.size(), 1u);
  auto packets = rtp::rtcp::parseCompound(sink_.rtcp[0]);
  ASSERT_TRUE(packets);
  EXPECT_TRUE(std::holds_alternative<rtp::rtcp::Pli>((*packets)[0]));
  std::this_thread::sleep_for(30ms);
  receive(2001);
  EXPECT_TRUE(sentNacks().empty());
}

TEST_F(ProducerLossRecoveryTest, KeyframeRequestsAreRateLimited) {
  for (int i = 0; i < 50; ++i) producer_.requestKeyframe();
  EXPECT_EQ(sink_.rtcp.size(), 1u) << "a PLI flood from receivers costs the sender one keyframe";
}

TEST(ProducerWithoutRtx, IgnoresRtxSsrcWithoutRtxCodec) {
  auto params = parseRtpParameters(nlohmann::json::parse(R"({
    "codecs": [{"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000}],
    "encodings": [{"ssrc": 1111, "rtx": {"ssrc": 2222}}]
  })"));
  test::RecordingSink sink;
  test::RecordingProducerListener listener;
  Producer producer("p", "peer", MediaKind::Video, params, "camera", sink, listener);
  EXPECT_FALSE(producer.rtxSsrc());
}

}  // namespace
}  // namespace jb::sfu
