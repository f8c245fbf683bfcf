// jb-translation-bench: latency and capacity of the live-translation pipeline (docs/benchmarks.md,
// "Translation latency and capacity"). Speech made by flite at start-up is encoded as Opus RTP and
// pushed through the pipeline's AudioTap in real time by 1..N simulated speakers.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "BenchReport.hpp"
#include "LevelRunner.hpp"
#include "ProcessCpu.hpp"
#include "SpokenSentence.hpp"
#include "TimedEngines.hpp"
#include "translation/asr/PocketsphinxRecognizer.hpp"
#include "translation/asr/RecognizerPool.hpp"
#include "translation/mt/ApertiumTranslator.hpp"
#include "translation/mt/TranslationRouter.hpp"
#include "translation/pipeline/TranslationEngines.hpp"
#include "translation/tts/EspeakSynthesizer.hpp"
#include "translation/tts/FliteSynthesizer.hpp"
#include "translation/tts/VoiceSet.hpp"

namespace {

namespace tr = jb::translation;

std::string cpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown CPU";
}

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &tm);
  return buffer;
}

std::vector<std::string> splitList(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Other work on a shared machine moves the figures more than anything the pipeline does; waiting
// for a lull does not remove it, the level's report says how much there was.
void waitForIdleMachine(double maxOtherCores, std::chrono::seconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    double others = jb::bench::otherProcessesCores(5.0);
    if (others < maxOtherCores) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      spdlog::warn("[bench] other processes still use {:.2f} cores; measuring anyway", others);
      return;
    }
    spdlog::info("[bench] other processes use {:.2f} cores; waiting for fewer than {:.2f}", others,
                 maxOtherCores);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "jb-translation-bench: speech end -> caption / translated voice latency, and how many concurrent "
      "real-time speakers the translation pipeline sustains"};
  size_t utterances = 20;
  double seconds = 0;
  std::string speakerList = "1,2,4,6,8";
  int hangoverMs = 400;
  unsigned recognitionThreads = 0;
  unsigned rounds = 1;
  std::string targetList = "es";
  int maxP95Ms = 1500;
  size_t maxRecognizers = 0;
  bool mtCache = false;
  bool json = false;
  std::string jsonFile;
  bool warmUp = true;
  double waitIdleCores = 0;
  int waitIdleMaxSeconds = 600;
  std::string sentencesPath = JB_BENCH_SENTENCES;
  jb::bench::SentenceVoice voice;
  std::string pocketsphinxModel = "/usr/share/pocketsphinx/model/en-us";
  std::string apertiumModes = "/usr/share/apertium/modes";
  app.add_option("--utterances", utterances, "Sentences each speaker says per level (>= 20 for a p95)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{10000}));
  app.add_option("--seconds", seconds, "Instead of --utterances: how long each speaker talks per level")
      ->check(CLI::Range(0.0, 3600.0));
  app.add_option("--speakers", speakerList, "Concurrent speakers per level, comma-separated")
      ->capture_default_str();
  app.add_option("--hangover-ms", hangoverMs, "VAD hangover (the server's --vad-hangover-ms)")
      ->capture_default_str()
      ->check(CLI::Range(20, 5000));
  app.add_option("--recognition-threads", recognitionThreads,
                 "Recognition threads (the server's --recognition-threads; 0: one per core)")
      ->capture_default_str();
  app.add_option("--rounds", rounds, "Repeat every level this many times; the report gives medians")
      ->capture_default_str()
      ->check(CLI::Range(1u, 100u));
  app.add_option("--targets", targetList, "Caption languages, comma-separated, each with translated voice on")
      ->capture_default_str();
  app.add_option("--max-p95-ms", maxP95Ms, "Capacity criterion: caption p95 must stay under this")
      ->capture_default_str();
  app.add_option("--max-recognizers", maxRecognizers,
                 "Recognizer pool size (the server's --max-recognizers; 0: as many as the most speakers)")
      ->capture_default_str();
  app.add_flag("--mt-cache", mtCache,
               "Keep the translation cache on (off by default: the sentences repeat, and a cache hit would "
               "hide the cost of translation)");
  app.add_flag(
      "--no-warmup", [&](int64_t) { warmUp = false; }, "Skip the unmeasured warm-up sentences");
  app.add_option(
         "--wait-idle", waitIdleCores,
         "Before each level, wait until other processes keep fewer than this many cores busy (a shared "
         "machine); 0: do not wait")
      ->check(CLI::Range(0.0, 256.0));
  app.add_option("--wait-idle-max-s", waitIdleMaxSeconds,
                 "Give up waiting for an idle machine after this long")
      ->capture_default_str();
  app.add_option("--sentences", sentencesPath, "Sentences to speak, one per line")->capture_default_str();
  app.add_option("--flite", voice.flite, "The flite program")->capture_default_str();
  app.add_option("--pocketsphinx-model", pocketsphinxModel)->capture_default_str();
  app.add_option("--apertium-modes", apertiumModes)->capture_default_str();
  app.add_flag("--json", json, "Print the report as JSON");
  app.add_option("--json-file", jsonFile, "Also write the JSON report to this file");
  CLI11_PARSE(app, argc, argv);

  std::vector<unsigned> speakers;
  for (const auto& item : splitList(speakerList)) {
    try {
      unsigned n = static_cast<unsigned>(std::stoul(item));
      if (n == 0 || n > 256) throw std::out_of_range(item);
      speakers.push_back(n);
    } catch (const std::exception&) {
      std::cerr << "jb-translation-bench: --speakers wants numbers from 1 to 256, got '" << item << "'\n";
      return 2;
    }
  }
  std::sort(speakers.begin(), speakers.end());
  speakers.erase(std::unique(speakers.begin(), speakers.end()), speakers.end());
  std::vector<std::string> targets = splitList(targetList);
  if (speakers.empty() || targets.empty()) {
    std::cerr << "jb-translation-bench: --speakers and --targets must not be empty\n";
    return 2;
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (recognitionThreads == 0) recognitionThreads = cores;  // what the server does
  if (maxRecognizers == 0) maxRecognizers = speakers.back();

  try {
    spdlog::set_default_logger(spdlog::stderr_color_mt("bench"));
    jb::bench::BenchRun run;
    run.cores = cores;
    run.cpuModel = cpuModel();
    run.startedUtc = utcNow();

    spdlog::info("[bench] synthesizing sentences with {}", voice.flite);
    auto scratch =
        std::filesystem::temp_directory_path() / ("jb-translation-bench-" + std::to_string(getpid()));
    auto corpus = jb::bench::speakSentences(jb::bench::readSentences(sentencesPath), voice, scratch);
    std::filesystem::remove_all(scratch);

    // The server's engines (app/TranslationRuntime.cpp), each wrapped to time its calls.
    jb::bench::StageTimings timings;
    tr::PocketsphinxRecognizer::Config asrConfig;
    asrConfig.modelDir = pocketsphinxModel;
    tr::RecognizerPool recognizers({{"en",
                                     [&] {
                                       return std::make_unique<jb::bench::TimedRecognizer>(
                                           std::make_unique<tr::PocketsphinxRecognizer>(asrConfig), timings);
                                     }}},
                                   std::min<size_t>(maxRecognizers, speakers.back()), maxRecognizers);
    spdlog::info("[bench] loading {} recognizer(s)", std::min<size_t>(maxRecognizers, speakers.back()));
    recognizers.prewarm();
    auto apertium = std::make_shared<tr::ApertiumTranslator>(tr::ApertiumModes(apertiumModes));
    tr::TranslationRouter router(std::make_shared<jb::bench::TimedTranslator>(apertium, timings),
                                 mtCache ? std::make_shared<tr::TranslationCache>() : nullptr);
    std::vector<std::unique_ptr<tr::Synthesizer>> synthesizers;
    synthesizers.push_back(
        std::make_unique<jb::bench::TimedSynthesizer>(std::make_unique<tr::FliteSynthesizer>(), timings));
    synthesizers.push_back(
        std::make_unique<jb::bench::TimedSynthesizer>(std::make_unique<tr::EspeakSynthesizer>(), timings));
    tr::VoiceSet voices(std::move(synthesizers));
    for (const auto& target : targets) {
      if (!router.route("en", target))
        throw std::runtime_error("no translation route from en to '" + target +
                                 "' (is its Apertium pair installed?)");
      if (!voices.canSpeak(target)) throw std::runtime_error("no voice speaks '" + target + "'");
      router.translate("en", target, "Good morning.");  // starts the Apertium chains
      voices.synthesize(target, router.translate("en", target, "Thank you.").text);
    }
    tr::TranslationEngines engines{recognizers, router, voices};

    jb::bench::LevelOptions options;
    options.utterancesPerSpeaker = utterances;
    options.seconds = seconds;
    options.hangover = std::chrono::milliseconds(hangoverMs);
    options.recognitionThreads = recognitionThreads;
    options.targets = targets;
    options.maxCaptionP95Ms = maxP95Ms;
    if (warmUp) {
      spdlog::info("[bench] warm-up");
      auto warm = options;
      warm.speakers = 1;
      warm.utterancesPerSpeaker = 2;
      warm.seconds = 0;
      warm.quiet = true;
      jb::bench::runLevel(warm, corpus, engines, timings);
    }

    run.settings = {{"utterancesPerSpeaker", utterances},
                    {"secondsPerSpeaker", seconds},
                    {"speakers", speakers},
                    {"hangoverMs", hangoverMs},
                    {"recognitionThreads", recognitionThreads},
                    {"maxRecognizers", maxRecognizers},
                    {"targets", targets},
                    {"mtCache", mtCache},
                    {"maxCaptionP95Ms", maxP95Ms},
                    {"sentences", corpus.size()},
                    {"silenceBetweenSentencesMs", voice.silenceAfter.count()},
                    {"rounds", rounds},
                    {"waitIdleCores", waitIdleCores}};
    for (unsigned r = 0; r < rounds; ++r) {
      std::vector<jb::bench::LevelResult> levels;
      for (unsigned n : speakers) {
        spdlog::info("[bench] round {}/{}: {} speaker(s)", r + 1, rounds, n);
        options.speakers = n;
        if (waitIdleCores > 0) waitForIdleMachine(waitIdleCores, std::chrono::seconds(waitIdleMaxSeconds));
        levels.push_back(jb::bench::runLevel(options, corpus, engines, timings));
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      run.rounds.push_back(std::move(levels));
    }
    run.peakRssMiB = jb::bench::peakRssMiB();
    if (!jsonFile.empty()) std::ofstream(jsonFile) << jb::bench::reportJson(run).dump(2) << "\n";
    std::cout << (json ? jb::bench::reportJson(run).dump(2) + "\n" : jb::bench::formatReport(run));
  } catch (const std::exception& e) {
    std::cerr << "jb-translation-bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
