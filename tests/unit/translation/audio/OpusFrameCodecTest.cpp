#include <gtest/gtest.h>
#include <opus.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "Signals.hpp"
#include "translation/audio/OpusFrameDecoder.hpp"
#include "translation/audio/OpusFrameEncoder.hpp"

namespace jb::translation {
namespace {

using test::sine;

std::vector<int16_t> decodeAll(OpusFrameDecoder& decoder, const std::vector<std::vector<uint8_t>>& packets) {
  std::vector<int16_t> out;
  for (const auto& packet : packets) test::append(out, decoder.decode(packet));
  return out;
}

// Normalized cross-correlation of b against a, at the best lag in [0, maxLag).
double bestCorrelation(std::span<const int16_t> a, std::span<const int16_t> b, size_t maxLag) {
  double best = -1;
  for (size_t lag = 0; lag < maxLag; ++lag) {
    size_t n = std::min(a.size(), b.size() - lag);
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < n; ++i) {
      ab += double(a[i]) * b[i + lag];
      aa += double(a[i]) * a[i];
      bb += double(b[i + lag]) * b[i + lag];
    }
    best = std::max(best, ab / std::sqrt(aa * bb));
  }
  return best;
}

TEST(OpusFrameCodec, RoundTripKeepsSineFrequencyAndLevel) {
  PcmAudio input{48000, sine(440, 48000, 1000, 10000)};
  OpusFrameEncoder encoder;
  auto packets = encoder.encodeAll(input);
  ASSERT_EQ(packets.size(), 50u);
  OpusFrameDecoder decoder;
  auto output = decodeAll(decoder, packets);
  ASSERT_EQ(output.size(), input.samples.size());
  EXPECT_EQ(decoder.corruptFrames(), 0u);

  // Skip the codec's start-up; compare the steady part.
  std::span<const int16_t> steady = std::span<const int16_t>(output).subspan(4800);
  EXPECT_NEAR(test::zeroCrossingHz(steady, 48000), 440, 440 * 0.02);
  double inDb = 20 * std::log10(test::rms(std::span<const int16_t>(input.samples).subspan(4800)));
  double outDb = 20 * std::log10(test::rms(steady));
  EXPECT_NEAR(outDb, inDb, 1.5);
  // The decoder lags the input by the codec delay, so look for the best alignment.
  std::span<const int16_t> reference = std::span<const int16_t>(input.samples).subspan(4800, 38400);
  EXPECT_GT(bestCorrelation(reference, std::span<const int16_t>(output).subspan(4800), 960), 0.95);
}

TEST(OpusFrameCodec, ConcealsLossWithTheRequestedSampleCount) {
  OpusFrameEncoder encoder;
  OpusFrameDecoder decoder;
  auto packets = encoder.encodeAll(PcmAudio{48000, sine(440, 48000, 200, 8000)});
  decodeAll(decoder, packets);
  EXPECT_EQ(decoder.lastFrameSamples(), 960);
  auto concealed = decoder.concealLoss(decoder.lastFrameSamples());
  EXPECT_EQ(concealed.size(), 960u);
  // PLC continues the tone rather than going silent.
  EXPECT_GT(test::rms(concealed), 100);
  EXPECT_EQ(decoder.concealLoss(1000).size(), 1000u);  // off the 2.5 ms grid
  EXPECT_EQ(decoder.concealLoss(7000).size(), 7000u);  // longer than one packet
  EXPECT_TRUE(decoder.concealLoss(0).empty());
}

TEST(OpusFrameCodec, CountsCorruptPayloads) {
  OpusFrameDecoder decoder;
  // TOC code 3 (RFC 6716 §3.2.5) with a frame count of zero is invalid.
  const std::vector<uint8_t> corrupt{0x03, 0x00};
  EXPECT_TRUE(decoder.decode(corrupt).empty());
  EXPECT_TRUE(decoder.decode({}).empty());
  EXPECT_EQ(decoder.corruptFrames(), 2u);
  // The decoder still works afterwards.
  OpusFrameEncoder encoder;
  auto packet = encoder.encode(sine(440, 48000, 20, 8000));
  EXPECT_EQ(decoder.decode(packet).size(), 960u);
}

TEST(OpusFrameCodec, DecodesStereoFlaggedPacketsToMono) {
  int error = 0;
  OpusEncoder* stereo = opus_encoder_create(48000, 2, OPUS_APPLICATION_VOIP, &error);
  ASSERT_EQ(error, OPUS_OK);
  auto mono = sine(440, 48000, 20, 8000);
  std::vector<int16_t> interleaved;
  for (int16_t s : mono) interleaved.insert(interleaved.end(), {s, s});
  std::vector<uint8_t> packet(4000);
  int n = opus_encode(stereo, interleaved.data(), 960, packet.data(), 4000);
  opus_encoder_destroy(stereo);
  ASSERT_GT(n, 0);
  packet.resize(static_cast<size_t>(n));
  ASSERT_EQ(opus_packet_get_nb_channels(packet.data()), 2);

  OpusFrameDecoder decoder;
  EXPECT_EQ(decoder.decode(packet).size(), 960u);
  EXPECT_EQ(decoder.corruptFrames(), 0u);
}

TEST(OpusFrameCodec, EncoderRejectsFramesOtherThan20ms) {
  OpusFrameEncoder encoder;
  std::vector<int16_t> shortFrame(480);
  EXPECT_THROW(encoder.encode(shortFrame), std::invalid_argument);
  EXPECT_THROW(encoder.encodeAll(PcmAudio{16000, shortFrame}), std::invalid_argument);
}

TEST(OpusFrameCodec, EncodeAllZeroPadsTheLastFrame) {
  OpusFrameEncoder encoder(24000);
  auto packets = encoder.encodeAll(PcmAudio{48000, sine(440, 48000, 30, 8000)});  // 1.5 frames
  ASSERT_EQ(packets.size(), 2u);
  OpusFrameDecoder decoder;
  EXPECT_EQ(decodeAll(decoder, packets).size(), 1920u);
}

}  // namespace
}  // namespace jb::translation
