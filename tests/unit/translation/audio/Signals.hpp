#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <span>
#include <vector>

// Synthetic test signals: sines stand in for voiced speech, low white noise for a room.
namespace jb::translation::test {

inline std::vector<int16_t> sine(double hz, int rate, int ms, double amplitude) {
  std::vector<int16_t> out(static_cast<size_t>(rate) * ms / 1000);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] =
        static_cast<int16_t>(std::lround(amplitude * std::sin(2 * std::numbers::pi * hz * double(i) / rate)));
  }
  return out;
}

inline std::vector<int16_t> noise(int rate, int ms, int amplitude, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-amplitude, amplitude);
  std::vector<int16_t> out(static_cast<size_t>(rate) * ms / 1000);
  for (auto& s : out) s = static_cast<int16_t>(dist(rng));
  return out;
}

// Peak amplitude of a sine whose RMS level is `dbfs`.
inline double sineAmplitudeFor(double dbfs) {
  return 32768.0 * std::pow(10.0, dbfs / 20) * std::sqrt(2.0);
}

inline void append(std::vector<int16_t>& to, const std::vector<int16_t>& more) {
  to.insert(to.end(), more.begin(), more.end());
}

// Sign changes per second: twice the frequency of a clean tone.
inline double zeroCrossingHz(std::span<const int16_t> s, int rate) {
  size_t crossings = 0;
  for (size_t i = 1; i < s.size(); ++i) {
    if ((s[i - 1] < 0) != (s[i] < 0)) ++crossings;
  }
  return double(crossings) * rate / double(s.size()) / 2;
}

inline double rms(std::span<const int16_t> s) {
  double sum = 0;
  for (int16_t v : s) sum += double(v) * v;
  return s.empty() ? 0 : std::sqrt(sum / double(s.size()));
}

}  // namespace jb::translation::test
