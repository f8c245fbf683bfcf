#include <gtest/gtest.h>

#include "common/RequestError.hpp"
#include "sfu/ConsumerParameters.hpp"
#include "sfu/RouterCapabilities.hpp"

namespace jb::sfu {
namespace {

using nlohmann::json;

// What mediasoup-client (Chrome111 handler) sends for a camera: the browser's own payload types and
// extension ids, which differ from the router's.
json chromeVideoParameters() {
  return json::parse(R"({
    "mid": "1",
    "codecs": [
      {"mimeType": "video/VP8", "payloadType": 96, "clockRate": 90000, "parameters": {},
       "rtcpFeedback": [{"type": "nack", "parameter": ""}]},
      {"mimeType": "video/rtx", "payloadType": 97, "clockRate": 90000, "parameters": {"apt": 96}, "rtcpFeedback": []}
    ],
    "headerExtensions": [
      {"uri": "urn:ietf:params:rtp-hdrext:sdes:mid", "id": 4},
      {"uri": "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "id": 2},
      {"uri": "urn:3gpp:video-orientation", "id": 13}
    ],
    "encodings": [{"ssrc": 1111, "rtx": {"ssrc": 2222}}],
    "rtcp": {"cname": "abc", "reducedSize": true}
  })");
}

TEST(ConsumerParameters, RewritesPayloadTypeAndExtensionIdsToRouterValues) {
  auto producer = parseRtpParameters(chromeVideoParameters());
  auto params = buildConsumerParameters(MediaKind::Video, producer, routerRtpCapabilities(), 4242);
  EXPECT_EQ(params.producerPayloadType, 96);
  EXPECT_EQ(params.payloadType, 101);
  EXPECT_EQ(params.ssrc, 4242u);
  EXPECT_EQ(params.extensionIdMap[2], routerExtensionId(MediaKind::Video, uri::kAbsSendTime));
  EXPECT_EQ(params.extensionIdMap[13], routerExtensionId(MediaKind::Video, uri::kVideoOrientation));
  EXPECT_EQ(params.extensionIdMap[4], 0) << "the sender's mid must not reach receivers";
  ASSERT_EQ(params.rtpParameters.encodings.size(), 1u);
  EXPECT_EQ(params.rtpParameters.encodings[0].ssrc, 4242u);
  EXPECT_EQ(params.rtpParameters.cname, "abc");
}

TEST(ConsumerParameters, RejectsReceiverWithoutTheCodec) {
  auto producer = parseRtpParameters(chromeVideoParameters());
  json caps = {{"codecs", json::array({{{"mimeType", "video/H264"}, {"kind", "video"}}})},
               {"headerExtensions", json::array()}};
  try {
    buildConsumerParameters(MediaKind::Video, producer, caps, 1);
    FAIL() << "expected RequestError";
  } catch (const common::RequestError& e) {
    EXPECT_EQ(e.code(), "unsupported");
  }
}

TEST(ConsumerParameters, ParsingRejectsWrongFieldTypes) {
  json bad = chromeVideoParameters();
  bad["codecs"][0]["payloadType"] = "96";
  EXPECT_THROW(parseRtpParameters(bad), common::RequestError);
  bad = chromeVideoParameters();
  bad["encodings"][0]["ssrc"] = -5;
  EXPECT_THROW(parseRtpParameters(bad), common::RequestError);
  EXPECT_THROW(parseRtpParameters(json::array()), common::RequestError);
}

TEST(RouterCapabilities, MatchesH264OnlyWithSamePacketizationMode) {
  RtpCodec h264{"video/H264", 102, 90000, 0, {{"packetization-mode", 1}, {"profile-level-id", "42e01f"}}, {}};
  EXPECT_TRUE(matchRouterCodec(h264));
  h264.parameters["packetization-mode"] = 0;
  EXPECT_FALSE(matchRouterCodec(h264));
  RtpCodec opus{"audio/opus", 111, 48000, 2, json::object(), {}};
  auto matched = matchRouterCodec(opus);
  ASSERT_TRUE(matched);
  EXPECT_EQ(matched->payloadType, 100);
}

}  // namespace
}  // namespace jb::sfu

namespace jb::sfu {
namespace {

// What mediasoup-client's Device reports as recv capabilities against our router: the router's
// payload types, with rtx paired to VP8 by a numeric apt.
json receiverWithRtx() {
  return json::parse(R"({
    "codecs": [
      {"kind": "video", "mimeType": "video/VP8", "preferredPayloadType": 101, "clockRate": 90000},
      {"kind": "video", "mimeType": "video/rtx", "preferredPayloadType": 102, "clockRate": 90000,
       "parameters": {"apt": 101}}
    ],
    "headerExtensions": []
  })");
}

TEST(RouterCapabilities, OffersRtxPairedByNumericApt) {
  int rtxCodecs = 0;
  for (const json& c : routerRtpCapabilities()["codecs"]) {
    if (c["mimeType"] != "video/rtx") continue;
    ++rtxCodecs;
    ASSERT_TRUE(c["parameters"]["apt"].is_number_integer()) << "mediasoup-client compares apt with ===";
    const auto apt = c["parameters"]["apt"].get<int>();
    bool found = false;
    for (const json& m : routerRtpCapabilities()["codecs"])
      found |= m["preferredPayloadType"] == apt && m["mimeType"] != "video/rtx";
    EXPECT_TRUE(found) << "apt " << apt << " names a router media codec";
  }
  EXPECT_EQ(rtxCodecs, 2) << "VP8 and H264";
}

TEST(ConsumerParameters, IncludesRtxWhenReceiverSupportsIt) {
  auto producer = parseRtpParameters(chromeVideoParameters());
  auto params = buildConsumerParameters(MediaKind::Video, producer, receiverWithRtx(), 4242, 5353);
  EXPECT_EQ(params.rtxPayloadType, 102);
  EXPECT_EQ(params.rtxSsrc, 5353u);
  json j = toJson(params.rtpParameters);
  ASSERT_EQ(j["codecs"].size(), 2u);
  EXPECT_EQ(j["codecs"][1]["mimeType"], "video/rtx") << "right after its media codec (reduceCodecs)";
  EXPECT_EQ(j["codecs"][1]["payloadType"], 102);
  EXPECT_EQ(j["codecs"][1]["parameters"]["apt"], 101);
  EXPECT_EQ(j["encodings"][0]["ssrc"], 4242);
  EXPECT_EQ(j["encodings"][0]["rtx"]["ssrc"], 5353);
}

TEST(ConsumerParameters, OmitsRtxWhenReceiverLacksIt) {
  auto producer = parseRtpParameters(chromeVideoParameters());
  json caps = receiverWithRtx();
  caps["codecs"][1]["parameters"]["apt"] = "101";  // not a number: mediasoup-client would not pair it
  auto params = buildConsumerParameters(MediaKind::Video, producer, caps, 4242, 5353);
  EXPECT_EQ(params.rtxSsrc, 0u);
  json j = toJson(params.rtpParameters);
  EXPECT_EQ(j["codecs"].size(), 1u);
  EXPECT_FALSE(j["encodings"][0].contains("rtx"));
}

TEST(ConsumerParameters, VideoConsumersAskForRembAndNeverTransportCc) {
  json sent = chromeVideoParameters();
  sent["codecs"][0]["rtcpFeedback"].push_back({{"type", "transport-cc"}, {"parameter", ""}});
  sent["headerExtensions"].push_back({{"uri", uri::kTransportWideCc}, {"id", 5}});
  json caps = routerRtpCapabilities();
  caps["headerExtensions"].push_back({{"kind", "video"}, {"uri", uri::kTransportWideCc}, {"preferredId", 5}});
  auto params = buildConsumerParameters(MediaKind::Video, parseRtpParameters(sent), caps, 4242);
  json j = toJson(params.rtpParameters);
  bool remb = false;
  for (const json& fb : j["codecs"][0]["rtcpFeedback"]) {
    EXPECT_NE(fb["type"], "transport-cc");
    remb = remb || fb["type"] == "goog-remb";
  }
  EXPECT_TRUE(remb);
  for (const json& ext : j["headerExtensions"]) EXPECT_NE(ext["uri"], uri::kTransportWideCc);
  EXPECT_EQ(params.extensionIdMap[5], 0) << "the sender's transport-wide numbers are stripped";
  EXPECT_EQ(params.absSendTimeId, routerExtensionId(MediaKind::Video, uri::kAbsSendTime));
  EXPECT_EQ(params.spatialLayers, 1u);
  EXPECT_FALSE(j["encodings"][0].contains("scalabilityMode"));
}

TEST(ConsumerParameters, SimulcastProducerBecomesOneEncodingWithItsLayers) {
  json sent = chromeVideoParameters();
  sent["encodings"] = json::array(
      {{{"rid", "r0"}, {"scalabilityMode", "L1T3"}}, {{"rid", "r1"}, {"scalabilityMode", "L1T3"}}});
  auto params =
      buildConsumerParameters(MediaKind::Video, parseRtpParameters(sent), receiverWithRtx(), 4242, 5353);
  EXPECT_EQ(params.spatialLayers, 2u);
  json j = toJson(params.rtpParameters);
  ASSERT_EQ(j["encodings"].size(), 1u);
  EXPECT_EQ(j["encodings"][0]["ssrc"], 4242);
  EXPECT_EQ(j["encodings"][0]["rtx"]["ssrc"], 5353);
  EXPECT_EQ(j["encodings"][0]["scalabilityMode"], "L2T3");
  EXPECT_FALSE(j["encodings"][0].contains("rid"));
}

TEST(ConsumerParameters, ParsingRejectsBadRids) {
  json bad = chromeVideoParameters();
  bad["encodings"] = json::array({{{"rid", "r 0"}}});
  EXPECT_THROW(parseRtpParameters(bad), common::RequestError);
  bad["encodings"] = json::array({{{"rid", 7}}});
  EXPECT_THROW(parseRtpParameters(bad), common::RequestError);
  bad["encodings"] = json::array({{{"rid", ""}}});
  EXPECT_THROW(parseRtpParameters(bad), common::RequestError);
}

}  // namespace
}  // namespace jb::sfu
