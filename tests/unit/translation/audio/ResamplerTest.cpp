#include <gtest/gtest.h>

#include <cstdlib>

#include "Signals.hpp"
#include "translation/audio/Resampler.hpp"

namespace jb::translation {
namespace {

TEST(Resampler, Keeps1kHzSineFrequencyFrom48kTo16k) {
  PcmAudio input{48000, test::sine(1000, 48000, 1000, 12000)};
  PcmAudio output = resample(input, 16000);
  EXPECT_EQ(output.sampleRate, 16000);
  EXPECT_LE(std::abs(static_cast<long>(output.samples.size()) - 16000), 3);
  std::span<const int16_t> steady = std::span<const int16_t>(output.samples).subspan(800, 14400);
  EXPECT_NEAR(test::zeroCrossingHz(steady, 16000), 1000, 10);
  EXPECT_NEAR(test::rms(steady), 12000 / std::sqrt(2.0), 12000 * 0.05);
}

TEST(Resampler, UpsamplesSpeechRateTo48k) {
  PcmAudio input{16000, test::sine(500, 16000, 500, 8000)};
  PcmAudio output = resample(input, 48000);
  EXPECT_LE(std::abs(static_cast<long>(output.samples.size()) - 24000), 3);
  EXPECT_NEAR(test::zeroCrossingHz(std::span<const int16_t>(output.samples).subspan(2400, 19200), 48000), 500,
              5);
}

TEST(Resampler, StreamingInOddChunksMatchesOneShot) {
  auto input = test::sine(1000, 48000, 700, 12000);
  PcmAudio oneShot = resample(PcmAudio{48000, input}, 16000);
  Resampler resampler(48000, 16000);
  std::vector<int16_t> streamed;
  for (size_t pos = 0, step = 1; pos < input.size(); pos += step, step = step * 7 % 1013 + 1) {
    size_t n = std::min(step, input.size() - pos);
    test::append(streamed, resampler.process(std::span<const int16_t>(input).subspan(pos, n)));
  }
  test::append(streamed, resampler.flush());
  EXPECT_EQ(streamed, oneShot.samples);
}

TEST(Resampler, StartsAFreshStreamAfterFlush) {
  auto input = test::sine(1000, 48000, 200, 12000);
  Resampler resampler(48000, 16000);
  auto first = resampler.process(input);
  test::append(first, resampler.flush());
  auto second = resampler.process(input);
  test::append(second, resampler.flush());
  EXPECT_EQ(first, second);
  EXPECT_TRUE(resampler.process({}).empty());
}

TEST(Resampler, SameRateIsPassedThrough) {
  PcmAudio input{16000, test::sine(300, 16000, 100, 5000)};
  EXPECT_EQ(resample(input, 16000).samples, input.samples);
}

TEST(Resampler, RejectsNonPositiveRates) {
  EXPECT_THROW(Resampler(0, 16000), std::invalid_argument);
}

}  // namespace
}  // namespace jb::translation
