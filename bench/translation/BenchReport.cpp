#include "BenchReport.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace jb::bench {

namespace {

using Field = std::function<double(const LevelResult&)>;

double acrossRounds(const BenchRun& run, size_t level, const Field& field) {
  std::vector<double> values;
  for (const auto& round : run.rounds) values.push_back(field(round[level]));
  return median(values);
}

uint64_t totalOf(const BenchRun& run, size_t level,
                 const std::function<uint64_t(const LevelResult&)>& field) {
  uint64_t total = 0;
  for (const auto& round : run.rounds) total += field(round[level]);
  return total;
}

std::vector<unsigned> capacities(const BenchRun& run) {
  std::vector<unsigned> out;
  for (const auto& round : run.rounds) out.push_back(capacityOf(round));
  return out;
}

// The lower median, so that with two rounds the capacity is one both reached.
unsigned medianCapacity(std::vector<unsigned> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[(values.size() - 1) / 2];
}

std::string pair(double p50, double p95) {
  return fmt::format("{:>6.0f} {:>6.0f}", p50, p95);
}

}  // namespace

unsigned capacityOf(const std::vector<LevelResult>& round) {
  unsigned capacity = 0;
  for (const auto& level : round) {
    if (!level.passed) break;
    capacity = level.speakers;
  }
  return capacity;
}

std::string formatReport(const BenchRun& run) {
  if (run.rounds.empty() || run.rounds.front().empty()) return "no levels were run\n";
  const auto& settings = run.settings;
  std::string out;
  out += fmt::format("jb-translation-bench, {} UTC: {} cores ({}), load average {:.1f} at start\n",
                     run.startedUtc, run.cores, run.cpuModel, run.rounds.front().front().loadAverageStart);
  out += fmt::format(
      "engines: pocketsphinx en-us -> Apertium en->{} (MT cache {}) -> {} voice; hangover {} ms; {} "
      "recognition "
      "thread(s); sender {}; {} round(s){}\n\n",
      settings["targets"].front().get<std::string>(), settings["mtCache"].get<bool>() ? "on" : "off",
      settings["targets"].front().get<std::string>(), settings["hangoverMs"].get<int>(),
      settings["recognitionThreads"].get<unsigned>(),
      run.rounds.front().front().senderRealTime ? "SCHED_FIFO" : "normal priority", run.rounds.size(),
      run.rounds.size() > 1 ? ", figures are medians of the rounds" : "");

  // Latency and stages: the first (lightest) level.
  auto at = [&](const Field& field) { return acrossRounds(run, 0, field); };
  const LevelResult& first = run.rounds.front().front();
  out += fmt::format("Latency, {} speaker(s), {} sentences per round                     p50    p95 (ms)\n",
                     first.speakers, first.utterances);
  auto row = [&](const std::string& name, const std::function<LatencySummary(const LevelResult&)>& summary,
                 const std::string& note = "") {
    out += fmt::format("  {:<62} {}  {}\n", name,
                       pair(at([&](const LevelResult& l) { return summary(l).p50; }),
                            at([&](const LevelResult& l) { return summary(l).p95; })),
                       note);
  };
  row(
      "speech end -> final translated caption", [](auto& l) { return l.caption; }, "target p50 < 400");
  row(
      "speech end -> first translated audio", [](auto& l) { return l.voice; }, "target p50 < 500");
  row(fmt::format("  of which VAD hangover ({} ms configured; effective)", settings["hangoverMs"].get<int>()),
      [](auto& l) { return l.effectiveHangover; });
  row("  hangover decision -> final translated caption", [](auto& l) { return l.captionAfterHangover; });
  row("  hangover decision -> first translated audio", [](auto& l) { return l.voiceAfterHangover; });
  out += "Stages\n";
  row("pipeline's speech-end estimate minus true speech end",
      [](auto& l) { return l.speechEndEstimateError; });
  row("ASR final: speech end -> final text (includes the hangover)", [](auto& l) { return l.asrFinal; });
  row("  final search (endUtterance)", [](auto& l) { return l.asrFinalSearch; });
  row("  per packet (acceptAudio, partial searches included)", [](auto& l) { return l.asrAccept; });
  row("final text -> caption handed over (finisher queue + MT)",
      [](auto& l) { return l.recognizedToCaption; });
  row("  MT per final (Translator::translate)", [](auto& l) { return l.mtFinal; });
  row("  MT per partial (on the recognition thread)", [](auto& l) { return l.mtPartial; });
  row("TTS first chunk: caption -> translated audio (TTS, 48 kHz, Opus)",
      [](auto& l) { return l.captionToVoice; });
  row("  synthesis (Synthesizer::synthesize)", [](auto& l) { return l.synthesis; });
  out += fmt::format("  ASR CPU per second of audio: {:.3f} (real-time factor)\n",
                     at([](auto& l) { return l.asrCpuPerAudioSecond; }));
  out += fmt::format(
      "  pipeline's own histogram, speech end -> caption: p50 {:.0f}, p95 {:.0f} (bucketed)\n\n",
      at([](auto& l) { return l.pipelineCaptionP50; }), at([](auto& l) { return l.pipelineCaptionP95; }));

  out += fmt::format(
      "Capacity: a level passes with no tap or utterance drops, every sentence captioned, caption p95 < {} "
      "ms\n",
      settings["maxCaptionP95Ms"].get<int>());
  out +=
      "speakers  tap drops  utt drops  missed  split  WER    caption p50/p95   voice p50/p95  CPU/speaker-s  "
      "cores busy  others  sender late p99  load  passed\n";
  for (size_t level = 0; level < run.rounds.front().size(); ++level) {
    auto med = [&](const Field& field) { return acrossRounds(run, level, field); };
    size_t passed = 0;
    for (const auto& round : run.rounds) passed += round[level].passed ? 1 : 0;
    double cpuPerSpeaker = med([](auto& l) { return l.cpuPerSpeakerSecond; });
    double coresBusy =
        med([](auto& l) { return l.wallSeconds > 0 ? l.serverCpuSeconds / l.wallSeconds : 0; });
    out += fmt::format(
        "{:>8}  {:>9}  {:>9}  {:>6}  {:>5}  {:>4.2f}  {}  {}  {:>13.3f}  {:>10.2f}  {:>6.2f}  {:>12.1f} ms  "
        "{:>4.1f}  {}/{}\n",
        run.rounds.front()[level].speakers, totalOf(run, level, [](auto& l) { return l.tapDrops; }),
        totalOf(run, level, [](auto& l) { return l.utteranceDrops; }),
        totalOf(run, level, [](auto& l) { return l.missed; }),
        totalOf(run, level, [](auto& l) { return l.split; }),
        med([](auto& l) { return l.meanWordErrorRate; }),
        pair(med([](auto& l) { return l.caption.p50; }), med([](auto& l) { return l.caption.p95; })),
        pair(med([](auto& l) { return l.voice.p50; }), med([](auto& l) { return l.voice.p95; })),
        cpuPerSpeaker, coresBusy, med([](auto& l) { return l.otherCpuCores; }),
        med([](auto& l) { return l.senderLateness.p99; }),
        med([](auto& l) { return (l.loadAverageStart + l.loadAverageEnd) / 2; }), passed, run.rounds.size());
  }
  auto perRound = capacities(run);
  unsigned capacity = medianCapacity(perRound);
  std::string rounds;
  for (unsigned c : perRound) rounds += (rounds.empty() ? "" : ", ") + std::to_string(c);
  out += fmt::format(
      "capacity: {} concurrent speakers (rounds: {}) = {:.1f} per core on {} cores; target >= 4 per core\n",
      capacity, rounds, static_cast<double>(capacity) / std::max(1u, run.cores), run.cores);
  // CPU alone: from the busiest level that passed (fixed costs spread over the most speakers).
  for (size_t level = run.rounds.front().size(); level-- > 0;) {
    if (run.rounds.front()[level].speakers > capacity && capacity > 0) continue;
    double cpu = acrossRounds(run, level, [](auto& l) { return l.cpuPerSpeakerSecond; });
    if (cpu > 0)
      out += fmt::format(
          "CPU: {:.3f} core-seconds per speaker-second at {} speaker(s) -> at most {:.1f} speakers per "
          "core if CPU were the only limit\n",
          cpu, run.rounds.front()[level].speakers, 1.0 / cpu);
    break;
  }
  out += fmt::format("peak RSS {:.0f} MiB\n", run.peakRssMiB);
  return out;
}

nlohmann::json reportJson(const BenchRun& run) {
  nlohmann::json rounds = nlohmann::json::array();
  for (const auto& round : run.rounds) {
    nlohmann::json levels = nlohmann::json::array();
    for (const auto& level : round) levels.push_back(level.toJson());
    rounds.push_back({{"levels", levels}, {"capacity", capacityOf(round)}});
  }
  auto perRound = capacities(run);
  unsigned capacity = medianCapacity(perRound);
  return {
      {"settings", run.settings},
      {"startedUtc", run.startedUtc},
      {"cores", run.cores},
      {"cpuModel", run.cpuModel},
      {"peakRssMiB", run.peakRssMiB},
      {"rounds", rounds},
      {"capacity",
       {{"speakers", capacity},
        {"perRound", perRound},
        {"speakersPerCore", static_cast<double>(capacity) / std::max(1u, run.cores)}}},
  };
}

}  // namespace jb::bench
