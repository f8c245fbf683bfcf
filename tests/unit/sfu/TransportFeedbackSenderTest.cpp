// TransportFeedbackSender reading real RTP (RFC 8285 one-byte extensions) and sending RTCP that
// parses back as Transport-wide Feedback.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "RtpTestPackets.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "sfu/TransportFeedbackSender.hpp"

namespace jb::sfu {
namespace {

using namespace std::chrono_literals;

struct CapturingSink : PacketSink {
  std::vector<std::vector<uint8_t>> rtcp;
  void sendRtp(uint8_t*, size_t, size_t) override {}
  void sendRtcp(std::span<const uint8_t> packet) override { rtcp.emplace_back(packet.begin(), packet.end()); }
};

constexpr uint8_t kTccId = 5;

std::string seqBytes(uint16_t seq) {
  return std::string{static_cast<char>(seq >> 8), static_cast<char>(seq & 0xff)};
}

struct Fixture : ::testing::Test {
  boost::asio::io_context io;
  CapturingSink sink;
  WorkerCounters counters;
  TransportFeedbackSender sender{io, sink, counters};
  const TransportFeedbackSender::Clock::time_point t0 = TransportFeedbackSender::Clock::now();

  void feed(uint16_t transportSeq, std::vector<std::pair<uint8_t, std::string>> exts,
            TransportFeedbackSender::Clock::time_point at) {
    auto bytes = test::rtpWithExtensions(111, transportSeq, 0, 0x1234, exts, {1, 2, 3});
    auto packet = rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet);
    sender.received(*packet, at);
  }

  rtp::rtcp::TransportFeedback onlyFeedback(size_t index) {
    auto packets = rtp::rtcp::parseCompound(sink.rtcp.at(index));
    EXPECT_TRUE(packets && packets->size() == 1);
    return std::get<rtp::rtcp::TransportFeedback>(packets->at(0));
  }
};

TEST_F(Fixture, SendsFeedbackOnceEnoughPacketsArePending) {
  sender.setExtensionId(kTccId);
  for (uint16_t i = 0; i < TransportFeedbackSender::kPendingLimit; ++i)
    feed(i, {{kTccId, seqBytes(i)}}, t0 + i * 1ms);
  ASSERT_EQ(sink.rtcp.size(), 1u);
  auto fb = onlyFeedback(0);
  EXPECT_EQ(fb.baseSequence, 0);
  EXPECT_EQ(fb.deltas.size(), TransportFeedbackSender::kPendingLimit);
  EXPECT_EQ(fb.mediaSsrc, 0x1234u);
  EXPECT_EQ(counters.transportFeedbackSent.load(), 1u);
}

TEST_F(Fixture, SendsPendingFeedbackWhenTheIntervalElapses) {
  sender.setExtensionId(kTccId);
  feed(7, {{kTccId, seqBytes(7)}}, t0);
  feed(9, {{kTccId, seqBytes(9)}}, t0 + 1ms);
  EXPECT_TRUE(sink.rtcp.empty());
  io.run_for(TransportFeedbackSender::kInterval + 100ms);
  ASSERT_EQ(sink.rtcp.size(), 1u);
  auto fb = onlyFeedback(0);
  EXPECT_EQ(fb.baseSequence, 7);
  ASSERT_EQ(fb.deltas.size(), 3u);
  EXPECT_FALSE(fb.deltas[1]) << "8 never arrived";
}

TEST_F(Fixture, MalformedElementIsCountedAndIgnored) {
  sender.setExtensionId(kTccId);
  feed(1, {{kTccId, "\x01"}}, t0);          // 1 byte: too short
  feed(2, {{kTccId, "\x01\x02\x03"}}, t0);  // 3 bytes: not this extension's format
  EXPECT_EQ(counters.badTransportWideCcExtensions.load(), 2u);
  feed(3, {{1, "x"}}, t0);  // no element at all: not an error
  EXPECT_EQ(counters.badTransportWideCcExtensions.load(), 2u);
  sender.flush();
  EXPECT_TRUE(sink.rtcp.empty());
}

TEST_F(Fixture, NothingIsRecordedWithoutANegotiatedId) {
  sender.setExtensionId(0);
  feed(1, {{kTccId, seqBytes(1)}}, t0);
  sender.flush();
  EXPECT_TRUE(sink.rtcp.empty());
  EXPECT_EQ(sender.recorder().pending(), 0u);
}

}  // namespace
}  // namespace jb::sfu
