#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "translation/audio/PcmAudio.hpp"
#include "translation/audio/WavFile.hpp"

// Real speech for the pipeline, made at test time by flite (as the recognizer's own tests do), so no
// audio is checked in.
namespace jb::translation::test {

inline std::vector<std::string> readMeetingSentences() {
  std::ifstream in(JB_TEST_DATA_DIR "/meeting-sentences.txt");
  std::vector<std::string> sentences;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) sentences.push_back(line);
  return sentences;
}

inline bool fliteInstalled() {
  return std::system("command -v flite >/dev/null 2>&1") == 0;
}

// The text spoken by flite's slt voice, 16 kHz mono. The text goes through a file, so quotes in it
// ("let's") need no shell escaping.
inline PcmAudio speakWithFlite(const std::string& text, const std::filesystem::path& dir, size_t index) {
  const auto textFile = dir / ("sentence" + std::to_string(index) + ".txt");
  const auto wavFile = dir / ("sentence" + std::to_string(index) + ".wav");
  std::ofstream(textFile) << text << "\n";
  const std::string command =
      "flite -voice slt -f '" + textFile.string() + "' -o '" + wavFile.string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("flite failed to synthesise '" + text + "'");
  PcmAudio audio = readWav(wavFile);
  if (audio.sampleRate != 16000)
    throw std::runtime_error("flite's slt voice gave " + std::to_string(audio.sampleRate) +
                             " Hz, expected 16000");
  return audio;
}

}  // namespace jb::translation::test
