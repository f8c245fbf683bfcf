#include <gtest/gtest.h>

#include "LossRecoveryTestDoubles.hpp"
#include "sfu/Consumer.hpp"

namespace jb::sfu {
namespace {

ConsumerParameters vp8Parameters() {
  ConsumerParameters p;
  p.rtpParameters.codecs.push_back({"video/VP8", 101, 90000, 0, nlohmann::json::object(), {}});
  p.producerPayloadType = 96;
  p.payloadType = 101;
  p.clockRate = 90000;
  p.ssrc = 4242;
  return p;
}

class ConsumerKeyframeTest : public ::testing::Test {
 protected:
  test::RecordingSink sink_;
  test::FixedSourceConsumerListener listener_{nullptr};
  Consumer consumer_{"c", "peer", "p", MediaKind::Video, vp8Parameters(), false, sink_, listener_};
};

// A keyframe asked for before the transport can send would be forwarded into nothing, and the
// producer's PLI rate limit would then swallow the request made when DTLS connects.
TEST_F(ConsumerKeyframeTest, WaitsForItsTransportBeforeAskingForAKeyframe) {
  sink_.sendable = false;
  consumer_.resume();
  EXPECT_EQ(listener_.keyframeRequests, 0);

  sink_.sendable = true;
  consumer_.restartFromKeyframe();  // what WebRtcTransport does when DTLS connects
  EXPECT_EQ(listener_.keyframeRequests, 1);
}

TEST_F(ConsumerKeyframeTest, AsksAtOnceWhenResumedOnAConnectedTransport) {
  consumer_.resume();
  EXPECT_EQ(listener_.keyframeRequests, 1);
}

}  // namespace
}  // namespace jb::sfu
