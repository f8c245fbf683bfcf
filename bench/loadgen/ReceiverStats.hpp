#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace jb::bench {

// What one subscriber measured on the streams it received.
class ReceiverStats {
 public:
  // `sequence` is the sender's own stream counter (from the payload stamp), so SFU rewriting of RTP
  // sequence numbers cannot hide loss.
  void record(uint32_t ssrc, uint32_t sequence, uint64_t sentAtNs, uint64_t receivedAtNs,
              uint32_t rtpTimestamp, uint32_t clockRate);
  void startMeasuring() { measuring_ = true; }

  uint64_t packetsReceived() const { return received_; }
  uint64_t packetsExpected() const;
  const std::vector<double>& latenciesUs() const { return latenciesUs_; }
  double meanJitterMs() const;

 private:
  struct Stream {
    bool started = false;
    uint32_t firstSequence = 0;
    uint32_t highestSequence = 0;
    double jitter = 0;  // RFC 3550 §6.4.1, in timestamp units
    int64_t lastTransit = 0;
    uint32_t clockRate = 90000;
  };
  bool measuring_ = false;
  std::map<uint32_t, Stream> streams_;
  uint64_t received_ = 0;
  std::vector<double> latenciesUs_;
};

double percentile(std::vector<double> values, double p);

}  // namespace jb::bench
