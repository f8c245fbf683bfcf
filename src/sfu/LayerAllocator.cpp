#include "sfu/LayerAllocator.hpp"

#include <algorithm>

namespace jb::sfu {

namespace {

int lowestActive(const LayerDemand& d) {
  for (size_t i = 0; i < d.layers.size(); ++i)
    if (d.layers[i].active) return static_cast<int>(i);
  return -1;
}

// The next active layer above `from`, not above the preference; -1 if none.
int nextActive(const LayerDemand& d, int from) {
  const int top = std::min(d.preferred, static_cast<int>(d.layers.size()) - 1);
  for (int i = from + 1; i <= top; ++i)
    if (d.layers[static_cast<size_t>(i)].active) return i;
  return -1;
}

}  // namespace

std::vector<int> allocateLayers(const std::vector<LayerDemand>& demands, std::optional<uint64_t> budget,
                                double upMargin) {
  std::vector<int> out(demands.size());
  if (!budget) {
    for (size_t i = 0; i < demands.size(); ++i) out[i] = std::max(demands[i].preferred, 0);
    return out;
  }
  auto rate = [](const LayerDemand& d, int layer) {
    return layer < 0 ? 0.0 : static_cast<double>(d.layers[static_cast<size_t>(layer)].bitrate);
  };
  double used = 0;
  for (size_t i = 0; i < demands.size(); ++i) {
    const int lowest = lowestActive(demands[i]);
    // Nothing is arriving: no rate to count; the selector waits for whatever comes first.
    out[i] = lowest < 0 ? 0 : lowest;
    used += rate(demands[i], lowest);
  }
  const auto limit = static_cast<double>(*budget);
  for (bool raised = true; raised;) {
    raised = false;
    for (size_t i = 0; i < demands.size(); ++i) {
      const LayerDemand& d = demands[i];
      if (lowestActive(d) < 0) continue;
      const int next = nextActive(d, out[i]);
      if (next < 0) continue;
      const double cost = rate(d, next) - rate(d, out[i]);
      const double required = next > d.current ? rate(d, next) * upMargin - rate(d, out[i]) : cost;
      if (used + required > limit) continue;
      out[i] = next;
      used += cost;
      raised = true;
    }
  }
  return out;
}

}  // namespace jb::sfu
