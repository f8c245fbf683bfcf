#include "sfu/DownlinkEstimate.hpp"

#include <algorithm>

namespace jb::sfu {

void DownlinkEstimate::onRemb(uint64_t bitsPerSecond, Clock::time_point now) {
  const bool hadFresh = lastRemb_ && now - lastRembAt_ < options_.rembStale;
  const std::optional<uint64_t> previous = hadFresh ? lastRemb_ : std::nullopt;
  lastRemb_ = bitsPerSecond;
  lastRembAt_ = now;
  ++rembCount_;
  // A REMB only falls when the receiver's delay-based detector saw over-use; it matters only if we
  // actually send more than it now allows.
  if (previous && static_cast<double>(bitsPerSecond) < options_.rembDrop * static_cast<double>(*previous) &&
      bitsPerSecond < sent_.bitsPerSecond(now))
    congested(bitsPerSecond, now);
}

void DownlinkEstimate::onLoss(double fractionLost, Clock::time_point now) {
  if (lossReports_ == 0) lossWindowStart_ = now;
  lossSum_ += fractionLost;
  ++lossReports_;
  if (now - lossWindowStart_ < options_.lossWindow) return;
  const double mean = lossSum_ / lossReports_;
  lossSum_ = 0;
  lossReports_ = 0;
  judgeLoss(mean, now);
}

void DownlinkEstimate::judgeLoss(double fractionLost, Clock::time_point now) {
  lastJudgedLoss_ = fractionLost;
  if (fractionLost > options_.highLoss) {
    const auto sending = static_cast<double>(sent_.bitsPerSecond(now));
    congested(static_cast<uint64_t>(sending * (1.0 - 0.5 * fractionLost)), now);
  } else if (fractionLost >= options_.lowLoss) {
    heldSince_ = now;  // GCC's hold band: neither lower nor raise
  }
}

void DownlinkEstimate::congested(uint64_t limit, Clock::time_point now) {
  limit = std::max(limit, options_.minBitrate);
  // The last raise went too far: wait longer before the next one.
  if (raised_ && now - lastRaise_ < hold_) hold_ = std::min(hold_ * 2, options_.maxHold);
  raised_ = false;
  limit_ = limit_ ? std::min(*limit_, limit) : limit;
  ++congestionCount_;
  heldSince_ = now;
}

std::optional<uint64_t> DownlinkEstimate::available(Clock::time_point now) {
  if (!limit_) return std::nullopt;
  if (now - heldSince_ >= hold_) {
    // The previous raise held a whole period without congestion: back to the short wait.
    if (raised_) hold_ = options_.hold;
    uint64_t next = *limit_ * 2;
    if (lastRemb_ && now - lastRembAt_ < options_.rembStale) next = std::max(next, *lastRemb_);
    if (next > options_.unlimitedAbove) {
      limit_.reset();
      raised_ = false;
      return std::nullopt;
    }
    limit_ = next;
    heldSince_ = lastRaise_ = now;
    raised_ = true;
  }
  return limit_;
}

}  // namespace jb::sfu
