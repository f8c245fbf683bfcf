#pragma once

#include <string>

#include "signaling/RoomDirectory.hpp"

namespace jb::signaling {

// GET /metrics: this node's rooms, media workers and signaling counters in the Prometheus text format
// (docs/protocol.md "Metrics" lists the names; dashboards and tests depend on them). Runs on the
// signaling thread; worker values are read from their relaxed atomics, never by visiting the workers.
std::string renderMetrics(const RoomDirectory& directory);

}  // namespace jb::signaling
