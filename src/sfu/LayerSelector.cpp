#include "sfu/LayerSelector.hpp"

#include <algorithm>

namespace jb::sfu {

LayerSelector::LayerSelector(size_t layerCount)
    : active_(std::max<size_t>(layerCount, 1), false),
      preferred_(static_cast<int>(active_.size()) - 1),
      maxAllowed_(preferred_),
      target_(preferred_) {}

bool LayerSelector::setPreferred(int spatialLayer) {
  preferred_ = std::clamp(spatialLayer, 0, static_cast<int>(active_.size()) - 1);
  return retarget();
}

bool LayerSelector::setMaxAllowed(int spatialLayer) {
  maxAllowed_ = std::clamp(spatialLayer, 0, static_cast<int>(active_.size()) - 1);
  return retarget();
}

bool LayerSelector::setActive(const std::vector<bool>& active) {
  for (size_t i = 0; i < active_.size(); ++i) active_[i] = i < active.size() && active[i];
  return retarget();
}

bool LayerSelector::retarget() {
  const int cap = std::min(preferred_, maxAllowed_);
  int next = kNone;
  for (int layer = cap; layer >= 0 && next == kNone; --layer)
    if (active_[static_cast<size_t>(layer)]) next = layer;
  // Nothing active at or below the cap: the lowest active layer above it beats a frozen picture.
  for (int layer = cap + 1; layer < static_cast<int>(active_.size()) && next == kNone; ++layer)
    if (active_[static_cast<size_t>(layer)]) next = layer;
  // Nothing active at all (not started yet, or the sender stopped): aim at the cap and wait for it.
  if (next == kNone) next = cap;
  const bool changed = next != target_;
  target_ = next;
  return changed && target_ != current_;
}

LayerSelector::Decision LayerSelector::onPacket(size_t layer, bool keyframe) {
  Decision d;
  const int l = static_cast<int>(layer);
  if (l == target_ && l != current_) {
    if (keyframe) {
      current_ = l;
      d.relay = d.switched = true;
    } else {
      d.requestKeyframe = true;
    }
    return d;
  }
  // The current layer keeps flowing until the target's keyframe arrives.
  d.relay = l == current_;
  return d;
}

}  // namespace jb::sfu
