#include "LevelRunner.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <optional>
#include <thread>

#include "CaptionRecorder.hpp"
#include "ProcessCpu.hpp"
#include "RealTimeSender.hpp"
#include "SegmenterReplay.hpp"
#include "SpeakerScript.hpp"
#include "translation/asr/WordAccuracy.hpp"
#include "translation/pipeline/TranslationService.hpp"

namespace jb::bench {

namespace {

using Clock = std::chrono::steady_clock;
const std::string kRoom = "bench";
// After the last packet, the level ends once the pipeline has been quiet this long.
constexpr auto kQuietAfterLastEvent = std::chrono::milliseconds(2500);
constexpr auto kMaxDrain = std::chrono::seconds(60);

// Prometheus-style histogram_quantile over TranslationMetrics' cumulative buckets.
double histogramQuantile(const translation::LatencyHistogram& histogram, double q) {
  uint64_t count = histogram.count();
  if (count == 0) return 0;
  double rank = q * static_cast<double>(count);
  double lower = 0;
  uint64_t below = 0;
  for (size_t i = 0; i < translation::LatencyHistogram::kBucketsMs.size(); ++i) {
    uint64_t cumulative = histogram.bucket(i);
    double upper = translation::LatencyHistogram::kBucketsMs[i];
    if (static_cast<double>(cumulative) >= rank) {
      uint64_t inBucket = cumulative - below;
      return inBucket == 0 ? upper
                           : lower + (upper - lower) * (rank - static_cast<double>(below)) /
                                         static_cast<double>(inBucket);
    }
    lower = upper;
    below = cumulative;
  }
  return translation::LatencyHistogram::kBucketsMs.back();  // above the last bucket
}

// Speakers start spread over one mean sentence period, and at different phases of the 20 ms
// packet clock, so their utterances overlap the way a lively meeting's do instead of ending together.
std::vector<std::chrono::nanoseconds> startOffsets(unsigned speakers,
                                                   const std::vector<SpokenSentence>& corpus) {
  size_t packets = 0;
  for (const auto& sentence : corpus) packets += sentence.packets.size();
  auto period = SpokenSentence::kPacketDuration * static_cast<int64_t>(packets / corpus.size());
  std::vector<std::chrono::nanoseconds> offsets;
  for (unsigned i = 0; i < speakers; ++i) {
    auto spread = std::chrono::duration_cast<std::chrono::nanoseconds>(period) * i / speakers;
    auto phase =
        std::chrono::duration_cast<std::chrono::nanoseconds>(SpokenSentence::kPacketDuration) * i / speakers;
    offsets.push_back(spread - spread % SpokenSentence::kPacketDuration + phase);
  }
  return offsets;
}

struct UtteranceTimes {
  std::vector<double> caption, voice, effectiveHangover, captionAfterHangover, voiceAfterHangover, asrFinal,
      recognizedToCaption, captionToVoice, speechEndError, wordErrorRates;
};

}  // namespace

LevelResult runLevel(const LevelOptions& options, const std::vector<SpokenSentence>& corpus,
                     translation::TranslationEngines& engines, StageTimings& timings) {
  LevelResult result;
  result.speakers = options.speakers;
  result.recognitionThreads = options.recognitionThreads;
  result.hangoverMs = static_cast<double>(options.hangover.count());
  result.loadAverageStart = loadAverage1m();

  translation::TranslationService::Options serviceOptions;
  serviceOptions.recognitionThreads = options.recognitionThreads;
  serviceOptions.segmentation.hangover = options.hangover;

  std::vector<SpeakerScript> scripts;
  std::vector<std::vector<std::optional<EndDecision>>> decisions;
  auto offsets = startOffsets(options.speakers, corpus);
  for (unsigned i = 0; i < options.speakers; ++i) {
    scripts.push_back(
        makeSpeakerScript(i, corpus, options.utterancesPerSpeaker, options.seconds, offsets[i]));
    decisions.push_back(replayEndDecisions(scripts.back(), serviceOptions.segmentation));
    result.speakerSeconds += std::chrono::duration<double>(scripts.back().audioDuration()).count();
  }

  translation::TranslationService service(serviceOptions, engines);
  for (const auto& script : scripts) {
    service.rooms().setPeer(kRoom, script.peerId, script.peerId, {"en", "en", false});
  }
  for (const auto& language : options.targets) {
    service.rooms().setPeer(kRoom, "listener-" + language, "Listener", {language, language, true});
  }
  CaptionRecorder recorder;
  service.start(recorder);
  std::vector<RealTimeSender::Feed> feeds;
  for (const auto& script : scripts) {
    feeds.push_back({service.openStream({kRoom, script.producerId, script.peerId}), &script});
  }

  timings.take();  // engine calls of earlier levels do not count
  RealTimeSender sender(service, feeds);
  double ownCpuStart = ownCpuSeconds();
  double childCpuStart = descendantsCpuSeconds();
  double machineCpuStart = machineBusyCpuSeconds();
  auto started = Clock::now() + std::chrono::milliseconds(100);
  sender.start(started);
  sender.join();
  auto drainStart = Clock::now();
  while (Clock::now() - drainStart < kMaxDrain) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto lastActivity = std::max(recorder.lastEvent(), sender.finishedAt());
    if (Clock::now() - lastActivity >= kQuietAfterLastEvent) break;
  }
  double childCpu = descendantsCpuSeconds() - childCpuStart;
  double ownCpuTotal = ownCpuSeconds() - ownCpuStart;
  double machineCpu = machineBusyCpuSeconds() - machineCpuStart;
  double ownCpu = ownCpuTotal - sender.threadCpuSeconds();
  double drainedSeconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.wallSeconds = drainedSeconds;
  for (const auto& feed : feeds) service.closeStream(feed.stream);
  service.stop();

  const auto& metrics = service.metrics();
  result.tapDrops = metrics.tapDropsQueueFull.load() + metrics.tapDropsOversize.load();
  result.utteranceDrops = metrics.utteranceDropsQueueFull.load();
  result.translationErrors = metrics.translationErrors.load();
  result.synthesisErrors = metrics.synthesisErrors.load();
  result.partialCaptions = recorder.partials();
  result.pipelineCaptionP50 = histogramQuantile(metrics.captionLatency, 0.5);
  result.pipelineCaptionP95 = histogramQuantile(metrics.captionLatency, 0.95);
  result.apertiumCpuSeconds = childCpu;
  result.otherCpuCores = std::max(0.0, machineCpu - ownCpuTotal - childCpu) / drainedSeconds;
  result.serverCpuSeconds = ownCpu + childCpu;
  result.cpuPerSpeakerSecond = result.serverCpuSeconds / result.speakerSeconds;
  result.senderLateness = LatencySummary::of(sender.latenessMs());
  result.senderRealTime = sender.realTimePriority();

  // Match finals to sentences: a final belongs to the sentence whose stretch of the stream (its
  // first packet up to the next sentence's first packet) holds the pipeline's end-of-speech estimate.
  const std::string voiceLanguage = options.targets.empty() ? std::string() : options.targets.front();
  auto finals = recorder.finals();
  std::map<std::pair<std::string, std::string>, CaptionRecorder::Voice> voices;  // (speaker, utterance)
  for (auto& v : recorder.voices()) {
    if (v.language == voiceLanguage) voices.emplace(std::make_pair(v.speakerPeerId, v.utteranceId), v);
  }
  UtteranceTimes times;
  for (size_t s = 0; s < scripts.size(); ++s) {
    const SpeakerScript& script = scripts[s];
    const auto& pushed = sender.pushTimes()[s];
    for (size_t u = 0; u < script.utterances.size(); ++u) {
      const ScriptedUtterance& utterance = script.utterances[u];
      ++result.utterances;
      Clock::time_point from = pushed[utterance.firstPacket];
      Clock::time_point to = u + 1 < script.utterances.size() ? pushed[script.utterances[u + 1].firstPacket]
                                                              : Clock::time_point::max();
      const CaptionRecorder::FinalCaption* last = nullptr;
      std::string heard;
      size_t pieces = 0;
      for (const auto& final : finals) {
        if (final.speakerPeerId != script.peerId || final.speechEnded < from || final.speechEnded >= to)
          continue;
        ++pieces;
        heard += (heard.empty() ? "" : " ") + final.text;
        if (last == nullptr || final.speechEnded > last->speechEnded) last = &final;
      }
      if (last == nullptr) {
        ++result.missed;
        continue;
      }
      ++result.captioned;
      if (pieces > 1) ++result.split;
      times.wordErrorRates.push_back(translation::wordErrorRate(corpus[utterance.sentence].text, heard));

      Clock::time_point speechEnd = pushed[utterance.speechEndPacket];
      times.caption.push_back(toMs(last->received - speechEnd));
      times.asrFinal.push_back(toMs(last->recognized - speechEnd));
      times.recognizedToCaption.push_back(toMs(last->received - last->recognized));
      times.speechEndError.push_back(toMs(last->speechEnded - speechEnd));
      const auto& decision = decisions[s][u];
      if (decision) {
        times.effectiveHangover.push_back(
            toMs(SpokenSentence::kPacketDuration *
                 static_cast<int64_t>(decision->packet - utterance.speechEndPacket)));
        times.captionAfterHangover.push_back(toMs(last->received - pushed[decision->packet]));
      }
      auto voice = voices.find({script.peerId, last->utteranceId});
      if (voice != voices.end()) {
        ++result.voiced;
        times.voice.push_back(toMs(voice->second.received - speechEnd));
        times.captionToVoice.push_back(toMs(voice->second.received - last->received));
        if (decision)
          times.voiceAfterHangover.push_back(toMs(voice->second.received - pushed[decision->packet]));
      }
    }
  }
  result.caption = LatencySummary::of(times.caption);
  result.voice = LatencySummary::of(times.voice);
  result.effectiveHangover = LatencySummary::of(times.effectiveHangover);
  result.captionAfterHangover = LatencySummary::of(times.captionAfterHangover);
  result.voiceAfterHangover = LatencySummary::of(times.voiceAfterHangover);
  result.asrFinal = LatencySummary::of(times.asrFinal);
  result.recognizedToCaption = LatencySummary::of(times.recognizedToCaption);
  result.captionToVoice = LatencySummary::of(times.captionToVoice);
  result.speechEndEstimateError = LatencySummary::of(times.speechEndError);
  result.meanWordErrorRate = LatencySummary::of(times.wordErrorRates).mean;

  auto engineTimes = timings.take();
  result.asrFinalSearch = LatencySummary::of(engineTimes.asrFinalSearchMs);
  result.asrAccept = LatencySummary::of(engineTimes.asrAcceptMs);
  result.mtFinal = LatencySummary::of(engineTimes.translateFinalMs);
  result.mtPartial = LatencySummary::of(engineTimes.translatePartialMs);
  result.synthesis = LatencySummary::of(engineTimes.synthesizeMs[voiceLanguage]);
  result.asrCpuPerAudioSecond =
      engineTimes.asrAudioSeconds > 0 ? engineTimes.asrCpuSeconds / engineTimes.asrAudioSeconds : 0;
  result.loadAverageEnd = loadAverage1m();

  std::vector<std::string> failures;
  if (result.tapDrops) failures.push_back(std::to_string(result.tapDrops) + " tap drops");
  if (result.utteranceDrops) failures.push_back(std::to_string(result.utteranceDrops) + " utterance drops");
  if (result.missed) failures.push_back(std::to_string(result.missed) + " sentences without a caption");
  if (result.caption.count == 0 || result.caption.p95 >= options.maxCaptionP95Ms)
    failures.push_back("caption p95 over " + std::to_string(static_cast<int>(options.maxCaptionP95Ms)) +
                       " ms");
  result.passed = failures.empty();
  for (const auto& failure : failures) result.verdict += (result.verdict.empty() ? "" : ", ") + failure;
  if (result.passed) result.verdict = "ok";
  if (!options.quiet) {
    spdlog::info(
        "[bench] {} speaker(s): caption p50/p95 {:.0f}/{:.0f} ms, voice p50/p95 {:.0f}/{:.0f} ms, "
        "{} tap drops, {} utterance drops, {} missed, CPU {:.3f} core-s per speaker-s, others {:.2f} cores: "
        "{}",
        result.speakers, result.caption.p50, result.caption.p95, result.voice.p50, result.voice.p95,
        result.tapDrops, result.utteranceDrops, result.missed, result.cpuPerSpeakerSecond,
        result.otherCpuCores, result.verdict);
  }
  return result;
}

nlohmann::json LevelResult::toJson() const {
  return {
      {"speakers", speakers},
      {"recognitionThreads", recognitionThreads},
      {"hangoverMs", hangoverMs},
      {"speakerSeconds", speakerSeconds},
      {"wallSeconds", wallSeconds},
      {"utterances", utterances},
      {"captioned", captioned},
      {"missed", missed},
      {"split", split},
      {"voiced", voiced},
      {"meanWordErrorRate", meanWordErrorRate},
      {"partialCaptions", partialCaptions},
      {"tapDrops", tapDrops},
      {"utteranceDrops", utteranceDrops},
      {"translationErrors", translationErrors},
      {"synthesisErrors", synthesisErrors},
      {"latencyMs",
       {{"caption", caption.toJson()},
        {"voice", voice.toJson()},
        {"effectiveHangover", effectiveHangover.toJson()},
        {"captionAfterHangover", captionAfterHangover.toJson()},
        {"voiceAfterHangover", voiceAfterHangover.toJson()},
        {"asrFinal", asrFinal.toJson()},
        {"recognizedToCaption", recognizedToCaption.toJson()},
        {"captionToVoice", captionToVoice.toJson()},
        {"speechEndEstimateError", speechEndEstimateError.toJson()},
        {"pipelineCaptionHistogram", {{"p50", pipelineCaptionP50}, {"p95", pipelineCaptionP95}}}}},
      {"engineCallMs",
       {{"asrFinalSearch", asrFinalSearch.toJson()},
        {"asrAcceptAudio", asrAccept.toJson()},
        {"mtFinal", mtFinal.toJson()},
        {"mtPartial", mtPartial.toJson()},
        {"synthesis", synthesis.toJson()}}},
      {"asrCpuPerAudioSecond", asrCpuPerAudioSecond},
      {"cpu",
       {{"serverSeconds", serverCpuSeconds},
        {"apertiumSeconds", apertiumCpuSeconds},
        {"perSpeakerSecond", cpuPerSpeakerSecond},
        {"otherProcessesCores", otherCpuCores}}},
      {"sender", {{"latenessMs", senderLateness.toJson()}, {"realTimePriority", senderRealTime}}},
      {"loadAverage", {{"start", loadAverageStart}, {"end", loadAverageEnd}}},
      {"passed", passed},
      {"verdict", verdict},
  };
}

}  // namespace jb::bench
