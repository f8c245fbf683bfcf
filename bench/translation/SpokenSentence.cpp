#include "SpokenSentence.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "translation/audio/OpusFrameEncoder.hpp"
#include "translation/audio/Resampler.hpp"
#include "translation/audio/WavFile.hpp"

extern char** environ;

namespace jb::bench {

namespace {

using translation::PcmAudio;

void runFlite(const SentenceVoice& voice, const std::string& text, const std::filesystem::path& out) {
  // argv, not a shell: sentences contain apostrophes ("let's").
  std::vector<std::string> args{voice.flite, "-voice", voice.voice, "-t", text, "-o", out.string()};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ);
  if (rc != 0) throw std::runtime_error("cannot start " + voice.flite + ": " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(voice.flite + " failed for \"" + text + "\"");
}

// Just after the last 10 ms window at or above `voicedDbfs`; 0 if nothing is voiced.
uint64_t endOfSpeech(const std::vector<int16_t>& samples, double voicedDbfs) {
  constexpr size_t kWindow = SpokenSentence::kSegmenterRate / 100;
  uint64_t end = 0;
  for (size_t start = 0; start < samples.size(); start += kWindow) {
    size_t n = std::min(kWindow, samples.size() - start);
    double sum = 0;
    for (size_t i = start; i < start + n; ++i) sum += double(samples[i]) * samples[i];
    double rms = std::sqrt(sum / double(n)) / 32768.0;
    if (rms > 0 && 20 * std::log10(rms) >= voicedDbfs) end = start + n;
  }
  return end;
}

}  // namespace

std::vector<std::string> readSentences(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read sentences from " + path.string());
  std::vector<std::string> sentences;
  for (std::string line; std::getline(in, line);) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    auto last = line.find_last_not_of(" \t\r");
    sentences.push_back(line.substr(first, last - first + 1));
  }
  if (sentences.empty()) throw std::runtime_error("no sentences in " + path.string());
  return sentences;
}

std::vector<SpokenSentence> speakSentences(const std::vector<std::string>& texts, const SentenceVoice& voice,
                                           const std::filesystem::path& scratch) {
  std::filesystem::create_directories(scratch);
  std::vector<SpokenSentence> spoken;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto wav = scratch / ("sentence-" + std::to_string(i) + ".wav");
    runFlite(voice, texts[i], wav);
    PcmAudio audio = translation::resample(translation::readWav(wav), SpokenSentence::kSegmenterRate);
    std::filesystem::remove(wav);

    SpokenSentence sentence;
    sentence.text = texts[i];
    sentence.speechEndSample = endOfSpeech(audio.samples, voice.voicedDbfs);
    if (sentence.speechEndSample == 0)
      throw std::runtime_error("flite made no voiced audio for \"" + texts[i] + "\"");

    // Silence after the clip, then up to a whole packet, so every sentence starts on a packet boundary.
    size_t silence = static_cast<size_t>(voice.silenceAfter.count()) * SpokenSentence::kSegmenterRate / 1000;
    size_t total = audio.samples.size() + silence;
    total += (SpokenSentence::kSamplesPerPacket16k - total % SpokenSentence::kSamplesPerPacket16k) %
             SpokenSentence::kSamplesPerPacket16k;
    audio.samples.resize(total, 0);

    PcmAudio at48 = translation::resample(audio, translation::OpusFrameEncoder::kSampleRate);
    at48.samples.resize(total * 3, 0);  // soxr's tail may differ by a few samples
    translation::OpusFrameEncoder encoder;
    sentence.packets = encoder.encodeAll(at48);
    sentence.speechEndPacket = (sentence.speechEndSample - 1) / SpokenSentence::kSamplesPerPacket16k;
    spoken.push_back(std::move(sentence));
  }
  return spoken;
}

}  // namespace jb::bench
