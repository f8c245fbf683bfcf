#pragma once

#include <cstdint>
#include <vector>

namespace jb::rtp::rtcp {

// Any RTCP packet we do not interpret (transport-cc RTPFB FMT 15, XR, APP, ...), kept raw so it
// can be relayed. `bytes` is the body after the 4-byte common header, padding removed.
struct Unknown {
  uint8_t packetType{};
  uint8_t fmt{};  // the 5-bit count/FMT field
  std::vector<uint8_t> bytes{};

  bool operator==(const Unknown&) const = default;
};

// Bodies too long for the 16-bit length field are truncated.
void serialize(const Unknown& unknown, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
