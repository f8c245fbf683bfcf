#include <gtest/gtest.h>

#include "common/RequestError.hpp"
#include "signaling/Envelope.hpp"
#include "signaling/RequestSchema.hpp"

namespace jb::signaling {
namespace {

using nlohmann::json;

std::string codeOf(const std::string& method, const json& data) {
  const MethodSchema* schema = findMethodSchema(method);
  if (!schema) return "unknown_method";
  try {
    validateRequestData(*schema, data);
    return "ok";
  } catch (const common::RequestError& e) {
    return e.code() + ":" + e.what();
  }
}

TEST(RequestSchema, AcceptsWellFormedJoin) {
  EXPECT_EQ(
      codeOf("join", {{"roomId", "abc-def"}, {"displayName", "Zoë"}, {"rtpCapabilities", json::object()}}),
      "ok");
}

TEST(RequestSchema, NamesTheFieldWithTheWrongType) {
  EXPECT_EQ(codeOf("join", {{"roomId", 5}, {"displayName", "x"}, {"rtpCapabilities", json::object()}}),
            "invalid_request:data.roomId: expected string");
  EXPECT_EQ(codeOf("produce", {{"transportId", "t"}, {"kind", "audio"}, {"rtpParameters", "nope"}}),
            "invalid_request:data.rtpParameters: expected object");
}

TEST(RequestSchema, RejectsMissingAndOutOfRangeFields) {
  EXPECT_EQ(codeOf("consume", {{"transportId", "t"}}), "invalid_request:data.producerId: missing");
  EXPECT_EQ(codeOf("createWebRtcTransport", {{"direction", "sideways"}}),
            "invalid_request:data.direction: expected one of send|recv");
  EXPECT_EQ(codeOf("chat", {{"text", ""}}), "invalid_request:data.text: too short");
  EXPECT_EQ(codeOf("chat", {{"text", std::string(2001, 'a')}}), "invalid_request:data.text: too long");
  EXPECT_EQ(codeOf("join", {{"roomId", "../etc"}, {"displayName", "x"}, {"rtpCapabilities", json::object()}}),
            "invalid_request:data.roomId: only letters, digits, '-' and '_' allowed");
}

TEST(RequestSchema, ChecksSimulcastLayerRanges) {
  const std::string m = "setConsumerPreferredLayers";
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", 2}}), "ok");
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", 0}, {"temporalLayer", 1}}), "ok");
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", 3}}),
            "invalid_request:data.spatialLayer: expected 0..2");
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", -1}}),
            "invalid_request:data.spatialLayer: expected 0..2");
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", 18446744073709551615ull}}),
            "invalid_request:data.spatialLayer: expected 0..2");
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", 1.5}}),
            "invalid_request:data.spatialLayer: expected integer");
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", "2"}}),
            "invalid_request:data.spatialLayer: expected integer");
  EXPECT_EQ(codeOf(m, {{"consumerId", "c1"}, {"spatialLayer", 1}, {"temporalLayer", 9}}),
            "invalid_request:data.temporalLayer: expected 0..2");
  EXPECT_EQ(codeOf(m, {{"spatialLayer", 1}}), "invalid_request:data.consumerId: missing");
}

TEST(RequestSchema, CountsDisplayNameLengthInCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 64; ++i) name += "é";  // 128 bytes, 64 characters
  EXPECT_EQ(codeOf("join", {{"roomId", "r"}, {"displayName", name}, {"rtpCapabilities", json::object()}}),
            "ok");
}

TEST(RequestSchema, UnknownMethodHasNoSchema) {
  EXPECT_EQ(findMethodSchema("dropDatabase"), nullptr);
}

TEST(Envelope, ParsesRequestAndKeepsIdForErrors) {
  std::string code, message;
  json id;
  EXPECT_FALSE(parseRequest("{not json", code, message, id));
  EXPECT_EQ(code, "bad_json");
  EXPECT_TRUE(id.is_null());
  EXPECT_FALSE(parseRequest(R"({"request":true,"id":9,"method":3})", code, message, id));
  EXPECT_EQ(code, "invalid_request");
  EXPECT_EQ(id, 9);
  auto ok =
      parseRequest(R"({"request":true,"id":4,"method":"chat","data":{"text":"hi"}})", code, message, id);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->method, "chat");
  EXPECT_EQ(ok->data["text"], "hi");
}

}  // namespace
}  // namespace jb::signaling
