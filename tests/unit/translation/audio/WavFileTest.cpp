#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "Signals.hpp"
#include "translation/audio/WavFile.hpp"

namespace jb::translation {
namespace {

TEST(WavFile, RoundTripsSamplesAndRate) {
  PcmAudio audio{22050, test::sine(440, 22050, 300, 20000)};
  audio.samples.push_back(-32768);
  audio.samples.push_back(32767);
  auto path =
      std::filesystem::temp_directory_path() / ("jb_wav_roundtrip_" + std::to_string(::getpid()) + ".wav");
  writeWav(path, audio);
  PcmAudio read = readWav(path);
  std::filesystem::remove(path);
  EXPECT_EQ(read.sampleRate, 22050);
  EXPECT_EQ(read.samples, audio.samples);
  EXPECT_EQ(read.duration(), audio.duration());
}

TEST(WavFile, ThrowsOnMissingFile) {
  EXPECT_THROW(readWav("/nonexistent/jb.wav"), std::runtime_error);
}

}  // namespace
}  // namespace jb::translation
