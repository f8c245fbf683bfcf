// Simulcast end to end inside the SFU, without sockets: three rid-tagged VP8 streams enter one Producer
// (their SSRCs learned from the rid extension, as WebRtcTransport does), a Consumer forwards one layer
// to a receiver. The glue between them is what Router does: fan-out per layer, keyframe requests to
// the consumer's keyframeLayer(), NACK answers from its forwardedLayer()'s buffer.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "LossRecoveryTestDoubles.hpp"
#include "RtpTestPackets.hpp"
#include "common/RequestError.hpp"
#include "rtp/codecs/Vp8.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"
#include "sfu/Consumer.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/Producer.hpp"
#include "sfu/RouterCapabilities.hpp"

namespace jb::sfu {
namespace {

using nlohmann::json;
using test::u16;
using test::u32;

constexpr uint8_t kMidId = 1, kRidId = 2, kRepairedRidId = 3, kAbsSendTimeId = 4;
constexpr uint32_t kConsumerSsrc = 7777;
constexpr uint32_t kConsumerRtxSsrc = 8888;

// What mediasoup-client's Chrome111 handler sends for a 3-layer camera: rids r0..r2, no SSRCs.
json simulcastCamera() {
  return json::parse(R"({
    "mid": "0",
    "codecs": [
      {"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
       "rtcpFeedback": [{"type": "nack", "parameter": ""}, {"type": "nack", "parameter": "pli"}]},
      {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96}, "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 1},
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", "id": 2},
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "id": 3},
      {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 4}
    ],
    "encodings": [
      {"rid": "r0", "scaleResolutionDownBy": 4, "scalabilityMode": "L1T3"},
      {"rid": "r1", "scaleResolutionDownBy": 2, "scalabilityMode": "L1T3"},
      {"rid": "r2", "scaleResolutionDownBy": 1, "scalabilityMode": "L1T3"}
    ],
    "rtcp": {"cname": "cam"}
  })");
}

// A receiver's rtpCapabilities as mediasoup-client reports them (router payload types).
json receiverCapabilities() {
  json caps = routerRtpCapabilities();
  return caps;
}

// Per layer: its own SSRC, sequence numbers, RTP clock offset and VP8 picture ids, as Chrome's three
// encoders produce them. Every layer encodes the same captured frames.
struct Layer {
  uint32_t ssrc;
  uint16_t seq;
  uint32_t timestampBase;
  uint16_t pictureId;
  uint8_t tl0;
};

class SimulcastForwardingTest : public ::testing::Test,
                                private Producer::Listener,
                                private Consumer::Listener {
 protected:
  void SetUp() override {
    producer_ = std::make_unique<Producer>("p", "sender", MediaKind::Video,
                                           parseRtpParameters(simulcastCamera()), "webcam", producerSink_,
                                           static_cast<Producer::Listener&>(*this), &counters_);
    auto params = buildConsumerParameters(MediaKind::Video, producer_->rtpParameters(),
                                          receiverCapabilities(), kConsumerSsrc, kConsumerRtxSsrc);
    consumer_ =
        std::make_unique<Consumer>("c", "receiver", "p", MediaKind::Video, std::move(params), false,
                                   consumerSink_, static_cast<Consumer::Listener&>(*this), &counters_);
  }

  // One frame captured at `frame` (33 ms apart), sent on every layer as one packet. The first packets of
  // each stream carry MID and rid so the producer can learn the SSRC.
  void sendFrame(int frame, bool keyframeOn0, bool keyframeOn1, bool keyframeOn2,
                 std::array<bool, 3> sending = {true, true, true}) {
    const bool keyframes[3] = {keyframeOn0, keyframeOn1, keyframeOn2};
    for (size_t l = 0; l < 3; ++l) {
      LayerState& layer = layers_[l];
      if (!sending[l]) continue;
      std::vector<uint8_t> payload{0x90, 0xC0, static_cast<uint8_t>(0x80 | (layer.pictureId >> 8)),
                                   static_cast<uint8_t>(layer.pictureId), layer.tl0};
      if (keyframes[l])
        payload.insert(payload.end(), {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a});
      else
        payload.insert(payload.end(), {0x11, 0x02, 0x00, 0x00, 0x00, 0x00});
      payload.push_back(static_cast<uint8_t>(0xA0 + l));  // marks the layer in what the receiver gets
      std::vector<std::pair<uint8_t, std::string>> ext{{kAbsSendTimeId, std::string("\x01\x02\x03", 3)}};
      if (static_cast<uint16_t>(layer.seq - layer.firstSeq) < 3) {
        ext.push_back({kMidId, "0"});
        ext.push_back({kRidId, "r" + std::to_string(l)});
      }
      auto bytes = test::rtpWithExtensions(
          96, layer.seq, layer.timestampBase + static_cast<uint32_t>(frame) * 3000, layer.ssrc, ext, payload);
      ++layer.seq;
      ++layer.pictureId;
      ++layer.tl0;
      deliver(bytes);
    }
  }

  // What WebRtcTransport::receiveSrtp does with a plain RTP packet.
  void deliver(std::vector<uint8_t>& bytes) {
    auto packet = rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet);
    if (!producer_->ownsSsrc(packet->ssrc())) {
      auto claim = producer_->claim(*packet);
      claims_.push_back(claim);
      if (claim != Producer::Claim::Media) return;
    }
    producer_->receiveRtp(*packet);
  }

  std::vector<uint32_t> plisSentFor() const {
    std::vector<uint32_t> out;
    for (const auto& bytes : producerSink_.rtcp) {
      auto packets = rtp::rtcp::parseCompound(bytes);
      if (!packets) continue;
      for (const auto& p : *packets)
        if (const auto* pli = std::get_if<rtp::rtcp::Pli>(&p)) out.push_back(pli->mediaSsrc);
    }
    return out;
  }

  // The layer (0..2) each packet the receiver got came from: the last payload byte.
  static int layerOf(const std::vector<uint8_t>& packet) { return packet.back() - 0xA0; }

  // Producer::Listener / Consumer::Listener: Router's fan-out, in miniature.
  void onProducerRtp(Producer&, const rtp::RtpPacket& packet, size_t layer) override {
    consumer_->sendRtp(packet, layer);
  }
  void onProducerSenderReport(Producer&, const rtp::rtcp::SenderReport& report, size_t layer) override {
    consumer_->sendSenderReport(report, layer);
  }
  void onConsumerKeyframeRequest(Consumer& consumer) override {
    producer_->requestKeyframe(consumer.keyframeLayer());
  }
  const RetransmissionBuffer* retransmissionSourceOf(Consumer& consumer) override {
    return producer_->retransmissionBuffer(consumer.forwardedLayer());
  }
  void onConsumerLayersChanged(Consumer&, int spatialLayer) override {
    layerChanges_.push_back(spatialLayer);
  }
  std::optional<uint32_t> layerTimestampDelta(Consumer&, size_t from, size_t to) override {
    return producer_->timestampDelta(from, to);
  }

  struct LayerState : Layer {
    uint16_t firstSeq;
  };
  LayerState layers_[3] = {{{1001, 100, 1'000'000, 500, 10}, 100},
                           {{2002, 40000, 77'000'000, 9000, 200}, 40000},
                           {{3003, 65530, 3'000'000'000u, 32760, 250}, 65530}};
  test::RecordingSink producerSink_;
  test::RecordingSink consumerSink_;
  WorkerCounters counters_;
  std::unique_ptr<Producer> producer_;
  std::unique_ptr<Consumer> consumer_;
  std::vector<Producer::Claim> claims_;
  std::vector<int> layerChanges_;
};

TEST_F(SimulcastForwardingTest, ConsumerParametersDescribeOneSimulcastEncoding) {
  const auto& params = consumer_->parameters();
  EXPECT_TRUE(consumer_->simulcast());
  EXPECT_EQ(params.spatialLayers, 3u);
  ASSERT_EQ(params.rtpParameters.encodings.size(), 1u);
  EXPECT_EQ(params.rtpParameters.encodings[0].ssrc, kConsumerSsrc);
  EXPECT_EQ(params.rtpParameters.encodings[0].rtxSsrc, kConsumerRtxSsrc);
  EXPECT_EQ(params.rtpParameters.encodings[0].scalabilityMode, "L3T3");
  const auto& feedback = params.rtpParameters.codecs[0].rtcpFeedback;
  EXPECT_TRUE(
      std::any_of(feedback.begin(), feedback.end(), [](const auto& f) { return f.type == "goog-remb"; }));
  EXPECT_FALSE(
      std::any_of(feedback.begin(), feedback.end(), [](const auto& f) { return f.type == "transport-cc"; }));
  EXPECT_EQ(params.absSendTimeId, routerExtensionId(MediaKind::Video, uri::kAbsSendTime));
}

TEST_F(SimulcastForwardingTest, LearnsEachLayersSsrcFromItsRid) {
  sendFrame(0, false, false, false);
  EXPECT_EQ(producer_->mediaSsrcs(), (std::vector<uint32_t>{1001, 2002, 3003}));
  EXPECT_EQ(claims_, (std::vector<Producer::Claim>(3, Producer::Claim::Media)));
  auto states = producer_->layerStates(std::chrono::steady_clock::now());
  ASSERT_EQ(states.size(), 3u);
  EXPECT_TRUE(states[0].active && states[1].active && states[2].active);
}

TEST_F(SimulcastForwardingTest, UndeclaredRidIsRefusedAndForeignMidIgnored) {
  auto stray = test::rtpWithExtensions(96, 1, 1, 4444, {{kMidId, "0"}, {kRidId, "r9"}}, {0x10});
  auto packet = rtp::RtpPacket::parse(stray);
  ASSERT_TRUE(packet);
  EXPECT_EQ(producer_->claim(*packet), Producer::Claim::UndeclaredRid);
  auto other = test::rtpWithExtensions(96, 1, 1, 4445, {{kMidId, "5"}, {kRidId, "r0"}}, {0x10});
  auto foreign = rtp::RtpPacket::parse(other);
  ASSERT_TRUE(foreign);
  EXPECT_EQ(producer_->claim(*foreign), Producer::Claim::NotMine) << "another m-section's r0";
  EXPECT_TRUE(producer_->mediaSsrcs().empty());
}

TEST_F(SimulcastForwardingTest, ForwardsOnlyThePreferredLayerAndSwitchesAtItsKeyframe) {
  consumer_->updateLayers({true, true, true}, 2);
  consumer_->setPreferredLayers(0, std::nullopt);
  consumer_->resume();
  int frame = 0;
  sendFrame(frame++, false, false, false);  // SSRCs learned; nothing forwarded yet (no keyframe)
  EXPECT_TRUE(consumerSink_.rtp.empty());
  EXPECT_EQ(plisSentFor(), (std::vector<uint32_t>{1001})) << "the keyframe request went to layer 0";
  sendFrame(frame++, true, false, false);
  for (int i = 0; i < 5; ++i) sendFrame(frame++, false, false, false);
  ASSERT_EQ(consumerSink_.rtp.size(), 6u);
  for (const auto& p : consumerSink_.rtp) {
    EXPECT_EQ(u32(p, 8), kConsumerSsrc);
    EXPECT_EQ(layerOf(p), 0);
  }
  EXPECT_EQ(layerChanges_, (std::vector<int>{0}));

  // The receiver asks for the top layer: a PLI goes to layer 2's SSRC, layer 0 keeps flowing until
  // layer 2's keyframe, then only layer 2 arrives.
  producerSink_.rtcp.clear();
  consumer_->setPreferredLayers(2, std::nullopt);
  EXPECT_EQ(plisSentFor(), (std::vector<uint32_t>{3003}));
  sendFrame(frame++, false, false, false);
  sendFrame(frame++, false, true, false);  // a keyframe of layer 1 is not the target's
  const size_t beforeSwitch = consumerSink_.rtp.size();
  EXPECT_EQ(layerOf(consumerSink_.rtp.back()), 0);
  sendFrame(frame++, false, false, true);  // layer 0's packet of this frame arrives first and still goes
  for (int i = 0; i < 3; ++i) sendFrame(frame++, false, false, false);
  ASSERT_EQ(consumerSink_.rtp.size(), beforeSwitch + 5);
  EXPECT_EQ(layerOf(consumerSink_.rtp[beforeSwitch]), 0);
  for (size_t i = beforeSwitch + 1; i < consumerSink_.rtp.size(); ++i)
    EXPECT_EQ(layerOf(consumerSink_.rtp[i]), 2);
  EXPECT_EQ(layerChanges_, (std::vector<int>{0, 2}));

  // One continuous stream: SSRC, sequence numbers +1 each, timestamps rising by one frame, VP8 picture
  // ids and TL0PICIDX continuing.
  const auto& out = consumerSink_.rtp;
  for (size_t i = 1; i < out.size(); ++i) {
    EXPECT_EQ(u32(out[i], 8), kConsumerSsrc);
    EXPECT_EQ(static_cast<uint16_t>(u16(out[i], 2) - u16(out[i - 1], 2)), 1) << i;
    const auto step = static_cast<int32_t>(u32(out[i], 4) - u32(out[i - 1], 4));
    EXPECT_GT(step, 0) << i;
    EXPECT_LT(step, 90000) << i;
    std::vector<uint8_t> prevBytes = out[i - 1], curBytes = out[i];
    auto prev = rtp::RtpPacket::parse(prevBytes);
    auto cur = rtp::RtpPacket::parse(curBytes);
    ASSERT_TRUE(prev && cur);
    auto a = rtp::codecs::parseVp8Descriptor(prev->payload());
    auto b = rtp::codecs::parseVp8Descriptor(cur->payload());
    ASSERT_TRUE(a && b && a->pictureId && b->pictureId);
    EXPECT_EQ((*b->pictureId - *a->pictureId) & 0x7fff, 1) << i;
    EXPECT_EQ(static_cast<uint8_t>(*b->tl0PicIdx - *a->tl0PicIdx), 1) << i;
  }
  // Where the switch happened the timestamps are wall-clock based (no Sender Reports yet): still one
  // step forward. Within a layer they advance by exactly one frame.
  EXPECT_EQ(u32(out.back(), 4) - u32(out[out.size() - 2], 4), 3000u);
}

TEST_F(SimulcastForwardingTest, SenderReportsAlignTheClocksAcrossASwitch) {
  consumer_->updateLayers({true, true, true}, 2);
  consumer_->setPreferredLayers(0, std::nullopt);
  consumer_->resume();
  int frame = 0;
  sendFrame(frame++, true, false, false);
  for (int i = 0; i < 3; ++i) sendFrame(frame++, false, false, false);
  // Each layer reports the same NTP instant against its own RTP clock (frame 10's timestamp).
  for (size_t l = 0; l < 3; ++l) {
    rtp::rtcp::SenderReport sr{};
    sr.ssrc = layers_[l].ssrc;
    sr.ntpSeconds = 1000;
    sr.ntpFraction = 0;
    sr.rtpTimestamp = layers_[l].timestampBase + 10 * 3000;
    producer_->receiveSenderReport(sr);
  }
  consumer_->setPreferredLayers(1, std::nullopt);
  const uint32_t lastTimestamp = u32(consumerSink_.rtp.back(), 4);
  frame = 4;
  sendFrame(frame++, false, true, false, {false, true, true});  // layer 0's frame 4 is late
  // Frame 4 on layer 1 lands exactly where frame 4 on layer 0 would have: one frame after frame 3.
  EXPECT_EQ(layerOf(consumerSink_.rtp.back()), 1);
  EXPECT_EQ(u32(consumerSink_.rtp.back(), 4) - lastTimestamp, 3000u);
}

TEST_F(SimulcastForwardingTest, NacksAreAnsweredFromTheForwardedLayer) {
  consumer_->updateLayers({true, true, true}, 2);
  consumer_->setPreferredLayers(1, std::nullopt);
  consumer_->resume();
  int frame = 0;
  sendFrame(frame++, false, true, false);
  for (int i = 0; i < 4; ++i) sendFrame(frame++, false, false, false);
  ASSERT_EQ(consumerSink_.rtp.size(), 5u);
  const uint16_t lost = u16(consumerSink_.rtp[2], 2);
  consumerSink_.rtp.clear();
  consumer_->receiveNack(rtp::rtcp::Nack{1, kConsumerSsrc, {lost}}, Consumer::Clock::now());
  ASSERT_EQ(consumerSink_.rtp.size(), 1u);
  const auto& rtx = consumerSink_.rtp[0];
  EXPECT_EQ(u32(rtx, 8), kConsumerRtxSsrc);
  EXPECT_EQ(layerOf(rtx), 1) << "the layer-1 packet, not layer 0's with the same source number";
}

TEST_F(SimulcastForwardingTest, StampsAbsSendTimeOnTheWayOut) {
  consumer_->updateLayers({true, true, true}, 2);
  consumer_->setPreferredLayers(0, std::nullopt);
  consumer_->resume();
  sendFrame(0, true, false, false);
  ASSERT_EQ(consumerSink_.rtp.size(), 1u);
  auto packet = rtp::RtpPacket::parse(consumerSink_.rtp[0]);
  ASSERT_TRUE(packet);
  auto value = packet->extension(consumer_->parameters().absSendTimeId);
  ASSERT_TRUE(value);
  ASSERT_EQ(value->size(), 3u);
  EXPECT_FALSE((*value)[0] == 1 && (*value)[1] == 2 && (*value)[2] == 3) << "the sender's value was replaced";
  EXPECT_FALSE(packet->extension(kRidId)) << "rid and mid are the sender's business";
}

TEST_F(SimulcastForwardingTest, LearnsRtxStreamsFromTheRepairedRid) {
  sendFrame(0, true, true, true);
  auto bytes = test::rtpWithExtensions(97, 5, 1, 9002, {{kMidId, "0"}, {kRepairedRidId, "r1"}}, {});
  auto packet = rtp::RtpPacket::parse(bytes);
  ASSERT_TRUE(packet);
  EXPECT_EQ(producer_->claim(*packet), Producer::Claim::Rtx);
  EXPECT_EQ(producer_->rtxSsrcs(), (std::vector<uint32_t>{9002}));
  EXPECT_EQ(producer_->receiveRtx(*packet), DropReason::RtxPadding) << "Chrome's padding probe";
}

std::unique_ptr<Producer> makeProducer(const json& parameters, MediaKind kind, PacketSink& sink,
                                       Producer::Listener& listener) {
  return std::make_unique<Producer>("p", "peer", kind, parseRtpParameters(parameters), "webcam", sink,
                                    listener);
}

TEST(SimulcastProducer, AcceptsSsrcBasedSimulcastAndRoutesEachSsrcToItsLayer) {
  json params = simulcastCamera();
  params["encodings"] = json::array({{{"ssrc", 11}, {"rtx", {{"ssrc", 12}}}},
                                     {{"ssrc", 21}, {"rtx", {{"ssrc", 22}}}},
                                     {{"ssrc", 31}, {"rtx", {{"ssrc", 32}}}}});
  test::RecordingSink sink;
  test::RecordingProducerListener listener;
  auto producer = makeProducer(params, MediaKind::Video, sink, listener);
  EXPECT_EQ(producer->layerCount(), 3u);
  EXPECT_EQ(producer->mediaSsrcs(), (std::vector<uint32_t>{11, 21, 31}));
  EXPECT_EQ(producer->rtxSsrcs(), (std::vector<uint32_t>{12, 22, 32}));
  for (uint32_t ssrc : {31u, 11u, 21u}) {
    auto bytes = test::rtpBytes(96, 1, 1, ssrc);
    auto packet = rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet);
    producer->receiveRtp(*packet);
  }
  EXPECT_EQ(listener.layers, (std::vector<size_t>{2, 0, 1}));
  producer->requestKeyframe(1);
  ASSERT_EQ(sink.rtcp.size(), 1u);
  auto pli = rtp::rtcp::parseCompound(sink.rtcp[0]);
  ASSERT_TRUE(pli);
  EXPECT_EQ(std::get<rtp::rtcp::Pli>(pli->front()).mediaSsrc, 21u);
}

TEST(SimulcastProducer, RefusesMixedOrRepeatedEncodingsAndAudioSimulcast) {
  test::RecordingSink sink;
  test::RecordingProducerListener listener;
  json mixed = simulcastCamera();
  mixed["encodings"] = json::array({{{"rid", "r0"}}, {{"ssrc", 5}}});
  EXPECT_THROW(makeProducer(mixed, MediaKind::Video, sink, listener), common::RequestError);
  json repeated = simulcastCamera();
  repeated["encodings"] = json::array({{{"rid", "r0"}}, {{"rid", "r0"}}});
  EXPECT_THROW(makeProducer(repeated, MediaKind::Video, sink, listener), common::RequestError);
  json sameSsrc = simulcastCamera();
  sameSsrc["encodings"] = json::array({{{"ssrc", 5}}, {{"ssrc", 5}}});
  EXPECT_THROW(makeProducer(sameSsrc, MediaKind::Video, sink, listener), common::RequestError);
  json noRidExtension = simulcastCamera();
  noRidExtension["headerExtensions"] = json::array();
  EXPECT_THROW(makeProducer(noRidExtension, MediaKind::Video, sink, listener), common::RequestError);
  EXPECT_THROW(makeProducer(simulcastCamera(), MediaKind::Audio, sink, listener), common::RequestError);
}

}  // namespace
}  // namespace jb::sfu
