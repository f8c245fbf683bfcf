// libFuzzer target: the load generator parses SDP that Janus sends over the network
// (bench/loadgen/Sdp.cpp). std::runtime_error is the expected rejection; anything else is a finding.
// An accepted description must also survive being answered.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "Sdp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    jb::bench::SessionDescription offer = jb::bench::parseSdp(text);
    jb::bench::LocalIdentity local{"ufrag", "password-password-pw", "AB:CD", offer.candidate, "cname"};
    std::string answer = jb::bench::writeSubscriberAnswer(local, offer);
    if (answer.empty()) __builtin_trap();
  } catch (const std::runtime_error&) {
  }
  return 0;
}
