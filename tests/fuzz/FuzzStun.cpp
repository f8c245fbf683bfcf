// libFuzzer target: STUN parse, integrity/fingerprint checks, and re-serialization.

#include <cstdint>
#include <cstdlib>
#include <span>

#include "ice/StunMessage.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using jb::ice::StunMessage;
  const std::span<const uint8_t> input(data, size);
  const bool looksLike = StunMessage::looksLikeStun(input);
  const auto msg = StunMessage::parse(input);
  if (!msg) return 0;
  if (!looksLike) std::abort();  // parse must be stricter than the demux test

  (void)msg->checkMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBt");
  (void)msg->checkMessageIntegrity("");
  (void)msg->checkFingerprint();

  // Whatever we accepted must serialize into something we accept and that verifies.
  const auto wire = msg->serialize("key", true);
  const auto again = StunMessage::parse(wire);
  if (!again || again->checkMessageIntegrity("key") != StunMessage::IntegrityResult::Ok ||
      !again->checkFingerprint() || again->transactionId() != msg->transactionId() ||
      again->method() != msg->method() || again->messageClass() != msg->messageClass()) {
    std::abort();
  }
  (void)msg->serialize("", false);
  return 0;
}
