#include <gtest/gtest.h>

#include <vector>

#include "Rfc5769Vectors.hpp"
#include "ice/StunMessage.hpp"

namespace jb::ice {
namespace {

namespace tv = testvectors;
using boost::asio::ip::make_address;
using boost::asio::ip::udp;

template <size_t N>
std::vector<uint8_t> bytes(const std::array<uint8_t, N>& a) {
  return {a.begin(), a.end()};
}

TEST(StunMessage, ParsesRfc5769SampleRequest) {
  const auto msg = StunMessage::parse(tv::kRequest);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->messageClass(), StunMessage::Class::Request);
  EXPECT_EQ(msg->method(), StunMessage::kBinding);
  EXPECT_EQ(msg->transactionId(),
            (TransactionId{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae}));
  EXPECT_EQ(msg->username(), "evtj:h6vY");
  EXPECT_EQ(msg->software(), "STUN test client");
  EXPECT_EQ(msg->priority(), 0x6e0001ffu);
  EXPECT_EQ(msg->iceControlled(), 0x932ff9b151263b36u);
  EXPECT_FALSE(msg->iceControlling());
  EXPECT_FALSE(msg->useCandidate());
  EXPECT_TRUE(msg->unknownRequiredAttributes().empty());
  EXPECT_TRUE(msg->hasMessageIntegrity());
  EXPECT_TRUE(msg->hasFingerprint());
  EXPECT_EQ(msg->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Ok);
  EXPECT_TRUE(msg->checkFingerprint());
}

TEST(StunMessage, DecodesRfc5769Ipv4XorMappedAddress) {
  const auto msg = StunMessage::parse(tv::kIpv4Response);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->messageClass(), StunMessage::Class::SuccessResponse);
  EXPECT_EQ(msg->method(), StunMessage::kBinding);
  EXPECT_EQ(msg->xorMappedAddress(), udp::endpoint(make_address("192.0.2.1"), 32853));
  EXPECT_EQ(msg->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Ok);
  EXPECT_TRUE(msg->checkFingerprint());
}

TEST(StunMessage, DecodesRfc5769Ipv6XorMappedAddress) {
  const auto msg = StunMessage::parse(tv::kIpv6Response);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->xorMappedAddress(),
            udp::endpoint(make_address("2001:db8:1234:5678:11:2233:4455:6677"), 32853));
  EXPECT_EQ(msg->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Ok);
  EXPECT_TRUE(msg->checkFingerprint());
}

TEST(StunMessage, ReportsIntegrityMismatchForWrongPassword) {
  const auto msg = StunMessage::parse(tv::kRequest);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->checkMessageIntegrity("wrong"), StunMessage::IntegrityResult::Mismatch);
}

TEST(StunMessage, RejectsFlippedByteInIntegrityAndFingerprint) {
  auto raw = bytes(tv::kRequest);
  raw[30] ^= 0x01;  // inside SOFTWARE: structure intact, content changed
  const auto msg = StunMessage::parse(raw);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Mismatch);
  EXPECT_FALSE(msg->checkFingerprint());
}

TEST(StunMessage, RejectsFingerprintMismatch) {
  auto raw = bytes(tv::kIpv4Response);
  raw.back() ^= 0x80;
  const auto msg = StunMessage::parse(raw);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Ok);
  EXPECT_FALSE(msg->checkFingerprint());
}

TEST(StunMessage, ReportsMissingIntegrityWhenAbsent) {
  const auto msg =
      StunMessage::parse(StunMessage::makeRequest(StunMessage::kBinding, {}).serialize("", false));
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->hasMessageIntegrity());
  EXPECT_FALSE(msg->hasFingerprint());
  EXPECT_EQ(msg->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Missing);
  EXPECT_FALSE(msg->checkFingerprint());
}

TEST(StunMessage, RoundTripsRfc5769RequestAttributes) {
  // Our attribute order differs from the vector's, so compare semantics after a round trip.
  const auto msg = StunMessage::parse(tv::kRequest);
  ASSERT_TRUE(msg);
  const auto again = StunMessage::parse(msg->serialize(tv::kPassword, true));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->username(), msg->username());
  EXPECT_EQ(again->priority(), msg->priority());
  EXPECT_EQ(again->iceControlled(), msg->iceControlled());
  EXPECT_EQ(again->software(), msg->software());
  EXPECT_EQ(again->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Ok);
  EXPECT_TRUE(again->checkFingerprint());
}

TEST(StunMessage, BuildsBindingSuccessResponseThatVerifies) {
  const auto request = StunMessage::parse(tv::kRequest);
  ASSERT_TRUE(request);
  auto response = StunMessage::makeSuccessResponse(*request);
  response.setXorMappedAddress(udp::endpoint(make_address("203.0.113.7"), 40000));
  const auto wire = response.serialize(tv::kPassword, true);
  EXPECT_EQ(wire.size() % 4, 0u);
  EXPECT_TRUE(StunMessage::looksLikeStun(wire));

  const auto parsed = StunMessage::parse(wire);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->messageClass(), StunMessage::Class::SuccessResponse);
  EXPECT_EQ(parsed->method(), StunMessage::kBinding);
  EXPECT_EQ(parsed->transactionId(), request->transactionId());
  EXPECT_EQ(parsed->xorMappedAddress(), udp::endpoint(make_address("203.0.113.7"), 40000));
  EXPECT_EQ(parsed->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Ok);
  EXPECT_EQ(parsed->checkMessageIntegrity("other"), StunMessage::IntegrityResult::Mismatch);
  EXPECT_TRUE(parsed->checkFingerprint());
}

TEST(StunMessage, RoundTripsIpv6XorMappedAddress) {
  auto response =
      StunMessage::makeSuccessResponse(StunMessage::makeRequest(StunMessage::kBinding, {1, 2, 3}));
  const udp::endpoint ep(make_address("2001:db8::1"), 5004);
  response.setXorMappedAddress(ep);
  const auto parsed = StunMessage::parse(response.serialize("", false));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->xorMappedAddress(), ep);
}

TEST(StunMessage, RoundTripsIceRequestAttributes) {
  auto request = StunMessage::makeRequest(StunMessage::kBinding, {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2});
  request.setUsername("remote:local");
  request.setPriority(1853824767);
  request.setUseCandidate(true);
  request.setIceControlling(0x0102030405060708);
  const auto parsed = StunMessage::parse(request.serialize("pass", true));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->messageClass(), StunMessage::Class::Request);
  EXPECT_EQ(parsed->username(), "remote:local");
  EXPECT_EQ(parsed->priority(), 1853824767u);
  EXPECT_TRUE(parsed->useCandidate());
  EXPECT_EQ(parsed->iceControlling(), 0x0102030405060708u);
  EXPECT_FALSE(parsed->iceControlled());
  EXPECT_EQ(parsed->checkMessageIntegrity("pass"), StunMessage::IntegrityResult::Ok);
  EXPECT_TRUE(parsed->checkFingerprint());
}

TEST(StunMessage, RoundTripsErrorResponse) {
  const auto request = StunMessage::makeRequest(StunMessage::kBinding, {7});
  const auto error = StunMessage::makeErrorResponse(request, 487, "Role Conflict");
  const auto parsed = StunMessage::parse(error.serialize("", true));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->messageClass(), StunMessage::Class::ErrorResponse);
  EXPECT_EQ(parsed->method(), StunMessage::kBinding);
  EXPECT_EQ(parsed->errorCode(), 487);
  EXPECT_EQ(parsed->errorReason(), "Role Conflict");
  EXPECT_TRUE(parsed->checkFingerprint());
}

TEST(StunMessage, EncodesClassBitsPerRfc5389) {
  const auto request = StunMessage::makeRequest(StunMessage::kBinding, {});
  EXPECT_EQ(request.serialize("", false)[1], 0x01);
  EXPECT_EQ(StunMessage::makeSuccessResponse(request).serialize("", false)[0], 0x01);
  EXPECT_EQ(StunMessage::makeSuccessResponse(request).serialize("", false)[1], 0x01);
  EXPECT_EQ(StunMessage::makeErrorResponse(request, 400, "").serialize("", false)[1], 0x11);
  EXPECT_EQ(StunMessage::makeIndication(StunMessage::kBinding, {}).serialize("", false)[1], 0x11);
}

TEST(StunMessage, RejectsTruncatedInput) {
  const auto raw = bytes(tv::kRequest);
  for (size_t n = 0; n < raw.size(); ++n) {
    EXPECT_FALSE(StunMessage::parse(std::span(raw).first(n))) << "length " << n;
  }
}

TEST(StunMessage, RejectsLengthFieldMismatch) {
  auto raw = bytes(tv::kIpv4Response);
  raw[3] = 0x40;
  EXPECT_FALSE(StunMessage::parse(raw));
  raw[3] = 0x3d;  // not a multiple of 4
  EXPECT_FALSE(StunMessage::parse(raw));
}

TEST(StunMessage, RejectsAttributeOverrunningMessage) {
  auto raw = bytes(tv::kIpv4Response);
  raw[23] = 0x40;  // SOFTWARE length beyond the end
  EXPECT_FALSE(StunMessage::parse(raw));
}

TEST(StunMessage, RejectsGarbage) {
  const std::vector<uint8_t> garbage(64, 0xff);
  EXPECT_FALSE(StunMessage::looksLikeStun(garbage));
  EXPECT_FALSE(StunMessage::parse(garbage));
  auto noCookie = bytes(tv::kRequest);
  noCookie[4] = 0;
  EXPECT_FALSE(StunMessage::looksLikeStun(noCookie));
  EXPECT_FALSE(StunMessage::parse(noCookie));
}

TEST(StunMessage, SkipsUnknownComprehensionOptionalAttribute) {
  auto raw = StunMessage::makeRequest(StunMessage::kBinding, {}).serialize("", false);
  const std::vector<uint8_t> unknown{0x80, 0x55, 0x00, 0x03, 'a', 'b', 'c', 0x00};
  raw.insert(raw.end(), unknown.begin(), unknown.end());
  raw[3] = static_cast<uint8_t>(raw.size() - 20);
  const auto msg = StunMessage::parse(raw);
  ASSERT_TRUE(msg);
  EXPECT_TRUE(msg->unknownRequiredAttributes().empty());
}

TEST(StunMessage, ReportsUnknownComprehensionRequiredAttribute) {
  auto raw = StunMessage::makeRequest(StunMessage::kBinding, {}).serialize("", false);
  const std::vector<uint8_t> unknown{0x00, 0x55, 0x00, 0x00};
  raw.insert(raw.end(), unknown.begin(), unknown.end());
  raw[3] = static_cast<uint8_t>(raw.size() - 20);
  const auto msg = StunMessage::parse(raw);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->unknownRequiredAttributes(), std::vector<uint16_t>{0x0055});
}

TEST(StunMessage, IgnoresAttributesAfterFingerprint) {
  auto raw = bytes(tv::kRequest);
  const std::vector<uint8_t> trailer{0x00, 0x06, 0x00, 0x04, 'e', 'v', 'i', 'l'};
  raw.insert(raw.end(), trailer.begin(), trailer.end());
  raw[3] = static_cast<uint8_t>(raw.size() - 20);
  const auto msg = StunMessage::parse(raw);
  ASSERT_TRUE(msg);
  EXPECT_EQ(msg->username(), "evtj:h6vY");
  // Length adjusted back to the FINGERPRINT end, so both still verify.
  EXPECT_EQ(msg->checkMessageIntegrity(tv::kPassword), StunMessage::IntegrityResult::Ok);
  EXPECT_TRUE(msg->checkFingerprint());
}

TEST(StunMessage, IgnoresAttributesBetweenIntegrityAndFingerprint) {
  auto request = StunMessage::makeRequest(StunMessage::kBinding, {});
  request.setUsername("a:b");
  auto raw = request.serialize("key", false);
  const std::vector<uint8_t> injected{0x00, 0x24, 0x00, 0x04, 0, 0, 0, 1};  // PRIORITY after MI
  raw.insert(raw.end(), injected.begin(), injected.end());
  raw[3] = static_cast<uint8_t>(raw.size() - 20);
  const auto msg = StunMessage::parse(raw);
  ASSERT_TRUE(msg);
  EXPECT_FALSE(msg->priority());
  EXPECT_EQ(msg->checkMessageIntegrity("key"), StunMessage::IntegrityResult::Ok);
}

}  // namespace
}  // namespace jb::ice
