#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace jb::sfu {

// Shares one receiving transport's downlink among its simulcast consumers (docs/media.md). Pure logic.
struct LayerDemand {
  struct Layer {
    bool active = false;   // the producer receives this layer
    uint64_t bitrate = 0;  // bits per second it arrives with
  };
  std::vector<Layer> layers;  // lowest resolution first
  int preferred = 0;          // the receiver's choice (setConsumerPreferredLayers)
  int current = -1;           // what the consumer forwards now (-1: nothing yet)
};

// For each demand, the highest layer it may have (the consumer's LayerSelector cap). Every consumer
// first gets its lowest active layer, even over budget (a small picture beats none); then, round by
// round, each is raised one layer while the raise fits `budget` and stays at or below its preference.
// A raise above the consumer's current layer must fit with `upMargin` to spare, so a layer whose rate
// hovers at the edge does not flap. nullopt budget: no limit, everyone gets their preference.
std::vector<int> allocateLayers(const std::vector<LayerDemand>& demands, std::optional<uint64_t> budget,
                                double upMargin = 1.15);

}  // namespace jb::sfu
