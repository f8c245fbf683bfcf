#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "sfu/BitrateMeter.hpp"

namespace jb::sfu {

// How many bits per second one receiving transport can take (docs/media.md "Downlink bandwidth
// estimate"). Pure logic: the transport feeds it what it sends, the receiver's REMB
// (draft-alvestrand-rmcat-remb) and the loss its Receiver Reports show (RFC 3550 §6.4.1 fraction lost).
//
// Congestion is either a REMB that fell (Chrome's receive-side estimator lowers it only when it sees
// queuing delay grow, and otherwise lets it creep up at most to 1.5x what it receives), or more than
// `highLoss` packets lost. Then the limit drops at once: to the REMB, or for loss to the sending rate
// times (1 - loss/2) as in GCC's loss-based controller (draft-ietf-rmcat-gcc-02 §6). While nothing
// congests, the limit is raised only after it has held for `hold` (doubling, or to the REMB if that
// is higher), so layers step down at once and up slowly. A raise that congests within `hold` doubles
// the next wait (up to `maxHold`). Without any congestion there is no limit.
class DownlinkEstimate {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    Clock::duration hold = std::chrono::seconds(4);
    Clock::duration maxHold = std::chrono::seconds(32);
    double highLoss = 0.10;  // above: congestion
    double lowLoss = 0.02;   // below: clear; in between the limit holds without growing
    // Loss is judged on the mean of the reports over this long: Chrome sends a Receiver Report with every
    // NACK, several a second, each over a few dozen packets, where one loss reads as 5%.
    Clock::duration lossWindow = std::chrono::seconds(1);
    double rembDrop = 0.95;  // a REMB below this fraction of the previous one is a decrease
    Clock::duration rembStale = std::chrono::seconds(5);
    uint64_t minBitrate = 100'000;         // never estimate below (one low layer plus audio)
    uint64_t unlimitedAbove = 50'000'000;  // a limit raised past this is dropped
  };

  DownlinkEstimate() : DownlinkEstimate(Options{}) {}
  explicit DownlinkEstimate(Options options) : options_(options) {}

  void onPacketSent(size_t bytes, Clock::time_point now) { sent_.add(bytes, now); }
  void onRemb(uint64_t bitsPerSecond, Clock::time_point now);
  // `fractionLost` 0..1 for the receiver's streams in one Receiver Report. Acted on once the reports
  // span `lossWindow`, with their mean.
  void onLoss(double fractionLost, Clock::time_point now);

  // The bitrate the transport may send; nullopt: no limit known. Also raises a limit that has held.
  std::optional<uint64_t> available(Clock::time_point now);

  uint64_t sendingBitrate(Clock::time_point now) const { return sent_.bitsPerSecond(now); }
  std::optional<uint64_t> lastRemb() const { return lastRemb_; }
  uint64_t rembCount() const { return rembCount_; }
  uint64_t congestionCount() const { return congestionCount_; }  // times the limit was lowered
  double lastJudgedLoss() const { return lastJudgedLoss_; }      // the last one-second mean loss
  Clock::duration currentHold() const { return hold_; }

 private:
  void congested(uint64_t limit, Clock::time_point now);
  void judgeLoss(double fractionLost, Clock::time_point now);

  Options options_;
  BitrateMeter sent_;
  std::optional<uint64_t> limit_;
  std::optional<uint64_t> lastRemb_;
  Clock::time_point lastRembAt_{};
  uint64_t rembCount_ = 0;
  uint64_t congestionCount_ = 0;
  double lastJudgedLoss_ = 0;
  Clock::time_point heldSince_{};  // last congestion, raise, or loss in the hold band
  Clock::time_point lastRaise_{};
  bool raised_ = false;  // the limit was raised and has not been tested by congestion since
  Clock::duration hold_ = options_.hold;
  Clock::time_point lossWindowStart_{};
  double lossSum_ = 0;
  unsigned lossReports_ = 0;
};

}  // namespace jb::sfu
