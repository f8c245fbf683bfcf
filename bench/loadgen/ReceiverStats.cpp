#include "ReceiverStats.hpp"

#include <algorithm>
#include <cmath>

namespace jb::bench {

void ReceiverStats::record(uint32_t ssrc, uint32_t sequence, uint64_t sentAtNs, uint64_t receivedAtNs,
                           uint32_t rtpTimestamp, uint32_t clockRate) {
  if (!measuring_) return;
  Stream& s = streams_[ssrc];
  s.clockRate = clockRate;
  // Arrival in RTP units relative to the RTP timestamp (RFC 3550 §6.4.1 transit time).
  int64_t arrival = static_cast<int64_t>(receivedAtNs / 1000 * clockRate / 1'000'000);
  int64_t transit = arrival - static_cast<int64_t>(rtpTimestamp);
  if (!s.started) {
    s.started = true;
    s.firstSequence = s.highestSequence = sequence;
    s.lastTransit = transit;
  } else {
    if (sequence > s.highestSequence) s.highestSequence = sequence;
    double d = std::abs(static_cast<double>(transit - s.lastTransit));
    s.jitter += (d - s.jitter) / 16.0;
    s.lastTransit = transit;
  }
  ++received_;
  latenciesUs_.push_back(static_cast<double>(receivedAtNs - sentAtNs) / 1000.0);
}

uint64_t ReceiverStats::packetsExpected() const {
  uint64_t n = 0;
  for (const auto& [ssrc, s] : streams_)
    if (s.started) n += s.highestSequence - s.firstSequence + 1;
  return n;
}

double ReceiverStats::meanJitterMs() const {
  if (streams_.empty()) return 0;
  double sum = 0;
  for (const auto& [ssrc, s] : streams_) sum += s.jitter * 1000.0 / s.clockRate;
  return sum / static_cast<double>(streams_.size());
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  size_t k = static_cast<size_t>(std::clamp(p, 0.0, 1.0) * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

}  // namespace jb::bench
