#include "ReceiverStats.hpp"

#include <algorithm>
#include <cmath>

namespace jb::bench {

ReceiverStats::Stream& ReceiverStats::streamFor(const Arrival& arrival, bool& isNew) {
  isNew = false;
  for (Stream& s : streams_)
    if (s.ssrc == arrival.ssrc) return s;
  isNew = true;
  Stream& s = streams_.emplace_back();
  s.ssrc = arrival.ssrc;
  s.clockRate = arrival.clockRate;
  s.firstSequence = s.highestSequence = arrival.sequence;
  return s;
}

void ReceiverStats::record(const Arrival& a) {
  if (!measuring_) return;
  bool isNew = false;
  Stream& s = streamFor(a, isNew);
  if (!isNew) {
    if (a.sequence > s.highestSequence) s.highestSequence = a.sequence;
    // RFC 3550 §6.4.1: D = (Rj - Ri) - (Sj - Si) in timestamp units. Differences, because CLOCK_REALTIME
    // in ns times 90,000 would overflow 64 bits.
    const double arrivalDelta =
        static_cast<double>(static_cast<int64_t>(a.kernelAtNs - s.lastArrivalNs)) * s.clockRate / 1e9;
    const double timestampDelta = static_cast<int32_t>(a.rtpTimestamp - s.lastRtpTimestamp);
    s.jitter += (std::abs(arrivalDelta - timestampDelta) - s.jitter) / 16.0;
  }
  s.lastArrivalNs = a.kernelAtNs;
  s.lastRtpTimestamp = a.rtpTimestamp;
  ++received_;
  latenciesUs_.push_back(static_cast<double>(static_cast<int64_t>(a.kernelAtNs - a.sentAtNs)) / 1000.0);
  generatorLagsUs_.push_back(static_cast<double>(static_cast<int64_t>(a.handledAtNs - a.kernelAtNs)) /
                             1000.0);
}

uint64_t ReceiverStats::packetsExpected() const {
  uint64_t n = 0;
  for (const Stream& s : streams_) n += s.highestSequence - s.firstSequence + 1;
  return n;
}

double ReceiverStats::meanJitterMs() const {
  if (streams_.empty()) return 0;
  double sum = 0;
  for (const Stream& s : streams_) sum += s.jitter * 1000.0 / s.clockRate;
  return sum / static_cast<double>(streams_.size());
}

size_t ReceiverStats::videoStreams() const {
  return static_cast<size_t>(
      std::count_if(streams_.begin(), streams_.end(), [](const Stream& s) { return s.clockRate == 90000; }));
}

size_t ReceiverStats::audioStreams() const {
  return streams_.size() - videoStreams();
}

Percentiles::Percentiles(std::vector<double> values) : sorted_(std::move(values)) {
  std::sort(sorted_.begin(), sorted_.end());
}

double Percentiles::at(double p) const {
  if (sorted_.empty()) return 0;
  const auto k = static_cast<size_t>(std::clamp(p, 0.0, 1.0) * static_cast<double>(sorted_.size() - 1));
  return sorted_[k];
}

}  // namespace jb::bench
