#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace jb::bench {

// What one subscriber measured on the streams it received.
class ReceiverStats {
 public:
  struct Arrival {
    uint32_t ssrc;
    uint32_t sequence;  // the sender's own stream counter (payload stamp): SFU rewriting cannot hide loss
    uint32_t rtpTimestamp;
    uint32_t clockRate;
    uint64_t sentAtNs;     // payload stamp, CLOCK_REALTIME
    uint64_t kernelAtNs;   // SO_TIMESTAMPNS of the datagram, CLOCK_REALTIME
    uint64_t handledAtNs;  // when the generator got to it, CLOCK_REALTIME
  };

  void record(const Arrival& arrival);
  void startMeasuring() { measuring_ = true; }

  uint64_t packetsReceived() const { return received_; }
  uint64_t packetsExpected() const;
  // Kernel arrival minus send time: what the SFU and the hops to and from it added.
  const std::vector<double>& latenciesUs() const { return latenciesUs_; }
  // Handling minus kernel arrival: the generator's own backlog, which the latency above leaves out.
  const std::vector<double>& generatorLagsUs() const { return generatorLagsUs_; }
  double meanJitterMs() const;
  // Streams that delivered at least one measured packet, by clock rate (90 kHz video, else audio).
  size_t videoStreams() const;
  size_t audioStreams() const;

 private:
  struct Stream {
    uint32_t ssrc = 0;
    uint32_t clockRate = 90000;
    uint32_t firstSequence = 0;
    uint32_t highestSequence = 0;
    double jitter = 0;  // RFC 3550 §6.4.1, in timestamp units
    uint64_t lastArrivalNs = 0;
    uint32_t lastRtpTimestamp = 0;
  };
  Stream& streamFor(const Arrival& arrival, bool& isNew);

  bool measuring_ = false;
  // A subscriber receives a handful of streams: a linear scan beats a map lookup per packet.
  std::vector<Stream> streams_;
  uint64_t received_ = 0;
  std::vector<double> latenciesUs_;
  std::vector<double> generatorLagsUs_;
};

// Sorts `values` and reads percentiles from the sorted copy (p in 0..1).
class Percentiles {
 public:
  explicit Percentiles(std::vector<double> values);
  double at(double p) const;
  double max() const { return sorted_.empty() ? 0 : sorted_.back(); }

 private:
  std::vector<double> sorted_;
};

}  // namespace jb::bench
