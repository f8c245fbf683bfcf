#include "TimedEngines.hpp"

#include "LatencySummary.hpp"
#include "ProcessCpu.hpp"

namespace jb::bench {

namespace {
using Clock = std::chrono::steady_clock;

}  // namespace

void StageTimings::addAsrAccept(double wallMs, double cpuSeconds, size_t samples16k) {
  std::lock_guard lock(mutex_);
  current_.asrAcceptMs.push_back(wallMs);
  current_.asrCpuSeconds += cpuSeconds;
  current_.asrAudioSeconds += static_cast<double>(samples16k) / 16000.0;
}

void StageTimings::addAsrFinal(double wallMs, double cpuSeconds) {
  std::lock_guard lock(mutex_);
  current_.asrFinalSearchMs.push_back(wallMs);
  current_.asrCpuSeconds += cpuSeconds;
}

void StageTimings::addTranslate(bool final, double wallMs) {
  std::lock_guard lock(mutex_);
  (final ? current_.translateFinalMs : current_.translatePartialMs).push_back(wallMs);
}

void StageTimings::addSynthesize(const std::string& language, double wallMs) {
  std::lock_guard lock(mutex_);
  current_.synthesizeMs[language].push_back(wallMs);
}

StageTimings::Snapshot StageTimings::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(current_, Snapshot{});
}

TimedRecognizer::TimedRecognizer(std::unique_ptr<translation::SpeechRecognizer> inner, StageTimings& timings)
    : inner_(std::move(inner)), timings_(timings) {}

void TimedRecognizer::startUtterance() {
  inner_->startUtterance();
}

std::optional<std::string> TimedRecognizer::acceptAudio(std::span<const int16_t> samples16k) {
  auto started = Clock::now();
  double cpu = currentThreadCpuSeconds();
  auto partial = inner_->acceptAudio(samples16k);
  timings_.addAsrAccept(toMs(Clock::now() - started), currentThreadCpuSeconds() - cpu, samples16k.size());
  return partial;
}

std::string TimedRecognizer::endUtterance() {
  auto started = Clock::now();
  double cpu = currentThreadCpuSeconds();
  std::string text = inner_->endUtterance();
  timings_.addAsrFinal(toMs(Clock::now() - started), currentThreadCpuSeconds() - cpu);
  return text;
}

TimedTranslator::TimedTranslator(std::shared_ptr<translation::Translator> inner, StageTimings& timings)
    : inner_(std::move(inner)), timings_(timings) {}

std::string TimedTranslator::translate(const translation::LanguagePair& pair, const std::string& text) {
  auto started = Clock::now();
  std::string out = inner_->translate(pair, text);
  // TextNormalizer ends a final with "." or "?" and leaves a partial open: that tells them apart.
  bool final = !text.empty() && (text.back() == '.' || text.back() == '?');
  timings_.addTranslate(final, toMs(Clock::now() - started));
  return out;
}

TimedSynthesizer::TimedSynthesizer(std::unique_ptr<translation::Synthesizer> inner, StageTimings& timings)
    : inner_(std::move(inner)), timings_(timings) {}

translation::PcmAudio TimedSynthesizer::synthesize(const std::string& language, const std::string& text) {
  auto started = Clock::now();
  auto audio = inner_->synthesize(language, text);
  timings_.addSynthesize(language, toMs(Clock::now() - started));
  return audio;
}

}  // namespace jb::bench
