#pragma once

#include <chrono>
#include <deque>

namespace jb::signaling {

// Counts one session's error responses over a sliding window. Signaling thread only.
class ErrorBudget {
 public:
  using Clock = std::chrono::steady_clock;

  // `limit` 0: never exhausted.
  ErrorBudget(unsigned limit, Clock::duration window) : limit_(limit), window_(window) {}

  // Records one error; true once `limit` errors fall within `window`.
  bool spend(Clock::time_point now = Clock::now()) {
    if (limit_ == 0) return false;
    recent_.push_back(now);
    while (!recent_.empty() && now - recent_.front() >= window_) recent_.pop_front();
    if (recent_.size() > limit_) recent_.pop_front();  // only the last `limit` matter
    return recent_.size() >= limit_;
  }

 private:
  unsigned limit_;
  Clock::duration window_;
  std::deque<Clock::time_point> recent_;
};

}  // namespace jb::signaling
