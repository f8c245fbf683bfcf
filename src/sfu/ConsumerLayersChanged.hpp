#pragma once

#include <string>

namespace jb::sfu {

// A simulcast consumer started forwarding another spatial layer (its preference, the layers arriving or
// the downlink estimate moved it). Signaling tells the consumer's peer (consumerLayersChanged).
struct ConsumerLayersChanged {
  unsigned worker = 0;
  std::string roomId;
  std::string peerId;  // whose consumer it is
  std::string consumerId;
  int spatialLayer = 0;
};

}  // namespace jb::sfu
