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
