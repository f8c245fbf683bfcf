#pragma once

#include <cstddef>

namespace jb::sfu {

// Per-peer object limits (docs/protocol.md "Limits"): one client cannot exhaust a worker. Enforced by
// the Router that owns the objects; going over is `limit_exceeded`.
struct PeerLimits {
  size_t transports = 4;
  size_t producers = 8;
  size_t consumers = 200;
};

}  // namespace jb::sfu
