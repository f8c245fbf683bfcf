#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "translation/asr/PocketsphinxRecognizer.hpp"
#include "translation/asr/TextNormalizer.hpp"
#include "translation/asr/WordAccuracy.hpp"
#include "translation/audio/WavFile.hpp"

namespace jb::translation {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kChunkSamples = PocketsphinxRecognizer::kSampleRate / 50;  // 20 ms, as the pipeline feeds it

struct Spoken {
  std::string text;
  PcmAudio audio;
};

struct Decoded {
  std::vector<std::string> partials;
  std::string final;
  Clock::duration processing{};
};

std::vector<std::string> readSentences() {
  std::ifstream in(JB_TEST_DATA_DIR "/meeting-sentences.txt");
  std::vector<std::string> sentences;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      sentences.push_back(line);
    }
  }
  return sentences;
}

// Speech made with flite at test time, so no audio is checked in. Throws with a clear message when
// flite is missing or the result is not what pocketsphinx expects.
PcmAudio speak(const std::string& text, const std::filesystem::path& dir, size_t index) {
  const auto textFile = dir / ("sentence" + std::to_string(index) + ".txt");
  const auto wavFile = dir / ("sentence" + std::to_string(index) + ".wav");
  std::ofstream(textFile) << text << "\n";
  const std::string command =
      "flite -voice slt -f '" + textFile.string() + "' -o '" + wavFile.string() + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    throw std::runtime_error("flite failed to synthesise '" + text + "'");
  }
  auto audio = readWav(wavFile);
  if (audio.sampleRate != PocketsphinxRecognizer::kSampleRate) {
    throw std::runtime_error("flite's slt voice gave " + std::to_string(audio.sampleRate) +
                             " Hz, expected 16000");
  }
  return audio;
}

Decoded decode(SpeechRecognizer& recognizer, const PcmAudio& audio) {
  Decoded result;
  const auto start = Clock::now();
  recognizer.startUtterance();
  const std::span<const int16_t> all(audio.samples);
  for (size_t offset = 0; offset < all.size(); offset += kChunkSamples) {
    if (auto partial =
            recognizer.acceptAudio(all.subspan(offset, std::min(kChunkSamples, all.size() - offset)))) {
      result.partials.push_back(std::move(*partial));
    }
  }
  result.final = recognizer.endUtterance();
  result.processing = Clock::now() - start;
  return result;
}

double seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

class PocketsphinxRecognizerTest : public ::testing::Test {
 protected:
  // The model loads once and the sentences are synthesised once for the whole suite.
  static void SetUpTestSuite() {
    try {
      if (std::system("command -v flite >/dev/null 2>&1") != 0) {
        throw std::runtime_error(
            "the flite binary is not installed (apt-get install flite); these tests need it "
            "to synthesise speech");
      }
      const auto sentences = readSentences();
      if (sentences.size() != 12) {
        throw std::runtime_error("expected 12 sentences in " JB_TEST_DATA_DIR "/meeting-sentences.txt");
      }
      dir_ = std::filesystem::temp_directory_path() / ("jb-asr-test-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir_);
      spoken_ = new std::vector<Spoken>();
      for (size_t i = 0; i < sentences.size(); ++i) {
        spoken_->push_back({sentences[i], speak(sentences[i], dir_, i)});
      }
      const auto start = Clock::now();
      recognizer_ = new PocketsphinxRecognizer();
      initTime_ = Clock::now() - start;
      std::cout << "[ asr      ] pocketsphinx init " << std::fixed << std::setprecision(0)
                << seconds(initTime_) * 1000 << " ms\n";
    } catch (const std::exception& e) {
      setupError_ = new std::string(e.what());
    }
  }

  static void TearDownTestSuite() {
    delete recognizer_;
    recognizer_ = nullptr;
    delete spoken_;
    spoken_ = nullptr;
    delete setupError_;
    setupError_ = nullptr;
    if (!dir_.empty()) {
      std::filesystem::remove_all(dir_);
    }
  }

  void SetUp() override {
    if (setupError_ != nullptr) {
      FAIL() << *setupError_;
    }
  }

  static inline std::filesystem::path dir_;
  static inline std::vector<Spoken>* spoken_ = nullptr;
  static inline PocketsphinxRecognizer* recognizer_ = nullptr;
  static inline std::string* setupError_ = nullptr;
  static inline Clock::duration initTime_{};
};

TEST_F(PocketsphinxRecognizerTest, ReportsEnglish) {
  EXPECT_EQ(recognizer_->language(), "en");
}

TEST_F(PocketsphinxRecognizerTest, ThrowsWhenModelDirIsMissing) {
  EXPECT_THROW(PocketsphinxRecognizer({.modelDir = dir_ / "no-such-model"}), std::runtime_error);
}

TEST_F(PocketsphinxRecognizerTest, EndWithoutStartReturnsEmpty) {
  EXPECT_EQ(recognizer_->endUtterance(), "");
}

TEST_F(PocketsphinxRecognizerTest, SilenceGivesEmptyFinal) {
  PcmAudio silence{PocketsphinxRecognizer::kSampleRate,
                   std::vector<int16_t>(PocketsphinxRecognizer::kSampleRate)};
  const auto decoded = decode(*recognizer_, silence);
  EXPECT_TRUE(decoded.partials.empty());
  EXPECT_EQ(decoded.final, "");
}

TEST_F(PocketsphinxRecognizerTest, DeliversChangedPartialsBeforeFinalForLongSentence) {
  const auto& longest = *std::max_element(spoken_->begin(), spoken_->end(), [](const auto& a, const auto& b) {
    return a.audio.samples.size() < b.audio.samples.size();
  });
  const auto decoded = decode(*recognizer_, longest.audio);
  ASSERT_FALSE(decoded.partials.empty()) << "no partial for '" << longest.text << "'";
  for (size_t i = 1; i < decoded.partials.size(); ++i) {
    EXPECT_NE(decoded.partials[i], decoded.partials[i - 1]) << "a partial is only delivered when it changed";
  }
  // Throttled: at most one search per 200 ms of audio.
  EXPECT_LE(decoded.partials.size(), static_cast<size_t>(longest.audio.duration().count() / 200));
  EXPECT_FALSE(decoded.final.empty());
  std::cout << "[ asr      ] " << decoded.partials.size() << " partials, first '" << decoded.partials.front()
            << "', final '" << decoded.final << "'\n";
}

TEST_F(PocketsphinxRecognizerTest, RecognisesMeetingSentences) {
  const TextNormalizer normalizer;
  double werSum = 0;
  size_t referenceWords = 0;
  size_t sharedWords = 0;
  Clock::duration processing{};
  std::chrono::milliseconds audioDuration{0};
  for (const auto& s : *spoken_) {
    const auto decoded = decode(*recognizer_, s.audio);
    EXPECT_FALSE(decoded.final.empty()) << "nothing recognised for '" << s.text << "'";
    const double wer = wordErrorRate(s.text, decoded.final);
    const size_t words = comparableWords(s.text).size();
    werSum += wer * static_cast<double>(words);
    referenceWords += words;
    sharedWords +=
        static_cast<size_t>(sharedWordFraction(s.text, decoded.final) * static_cast<double>(words) + 0.5);
    processing += decoded.processing;
    audioDuration += s.audio.duration();
    std::cout << "[ asr      ] WER " << std::fixed << std::setprecision(2) << wer << "  '" << s.text
              << "' -> '" << normalizer.normalize(decoded.final) << "'\n";
  }
  const double overallWer = werSum / static_cast<double>(referenceWords);
  const double shared = static_cast<double>(sharedWords) / static_cast<double>(referenceWords);
  const double rtf = seconds(processing) / seconds(audioDuration);
  std::cout << "[ asr      ] overall WER " << std::setprecision(3) << overallWer << ", shared words "
            << shared << ", RTF " << rtf << " (" << seconds(audioDuration) << " s of audio)\n";
  RecordProperty("overall_wer", std::to_string(overallWer));
  RecordProperty("shared_word_fraction", std::to_string(shared));
  RecordProperty("rtf", std::to_string(rtf));
  RecordProperty("init_ms",
                 std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(initTime_).count()));
  EXPECT_GE(shared, 0.6);
}

TEST_F(PocketsphinxRecognizerTest, RestartedUtteranceForgetsEarlierAudio) {
  const auto& first = (*spoken_)[0].audio;
  const auto& second = (*spoken_)[1];
  recognizer_->startUtterance();
  const std::span<const int16_t> half(first.samples.data(), first.samples.size() / 2);
  for (size_t offset = 0; offset < half.size(); offset += kChunkSamples) {
    recognizer_->acceptAudio(half.subspan(offset, std::min(kChunkSamples, half.size() - offset)));
  }
  const auto decoded = decode(*recognizer_, second.audio);  // decode() starts a new utterance
  EXPECT_GE(sharedWordFraction(second.text, decoded.final), 0.6) << "got '" << decoded.final << "'";
  EXPECT_EQ(decoded.final.find("morning"), std::string::npos) << "got '" << decoded.final << "'";
}

}  // namespace
}  // namespace jb::translation
