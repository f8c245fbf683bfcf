#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace jb::sfu {

// Which spatial layer (simulcast stream) one consumer forwards, and when it may change: the decision
// part of mediasoup's SimulcastConsumer (Janus's simulcast context, LiveKit's VideoLayerSelector), kept
// free of I/O so every rule is unit-tested. Layer 0 is the lowest resolution.
//
// The *target* is the highest layer that is sending (active), not above the receiver's preference and
// not above what the downlink allows; if no active layer is that low, the lowest active one. The
// *current* layer is the one being forwarded. A change of layer happens only at a keyframe of the
// target (a decoder cannot start from a delta frame of another stream), so until the target's keyframe
// arrives the current layer keeps flowing and the consumer keeps asking the target for a keyframe.
class LayerSelector {
 public:
  static constexpr int kNone = -1;

  struct Decision {
    bool relay = false;            // forward this packet
    bool switched = false;         // it is the first packet of a new current layer
    bool requestKeyframe = false;  // ask the target layer's stream for a keyframe
  };

  explicit LayerSelector(size_t layerCount);

  size_t layerCount() const { return active_.size(); }
  int preferred() const { return preferred_; }
  int maxAllowed() const { return maxAllowed_; }
  int target() const { return target_; }
  int current() const { return current_; }
  // The layer a keyframe request should go to: the target while a switch is pending, else the current.
  int keyframeLayer() const { return current_ == kNone || target_ != current_ ? target_ : current_; }

  // Each returns true if the target changed and is not the current layer (the caller asks the new
  // target for a keyframe).
  bool setPreferred(int spatialLayer);              // clamped to 0..layerCount-1
  bool setMaxAllowed(int spatialLayer);             // from the downlink allocation; clamped like setPreferred
  bool setActive(const std::vector<bool>& active);  // one flag per layer: is it being received

  // Forget the current layer (the consumer was paused, or the receiver must restart from a keyframe):
  // nothing is relayed until a keyframe of the target.
  void reset() { current_ = kNone; }

  // A packet of `layer` is about to be forwarded.
  Decision onPacket(size_t layer, bool keyframe);

 private:
  bool retarget();

  std::vector<bool> active_;
  int preferred_;
  int maxAllowed_;
  int target_;
  int current_ = kNone;
};

}  // namespace jb::sfu
