#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

#include "ChildProcesses.hpp"
#include "PipelineFakes.hpp"
#include "RtpOpusSource.hpp"
#include "SpokenSentences.hpp"
#include "translation/asr/PocketsphinxRecognizer.hpp"
#include "translation/asr/WordAccuracy.hpp"
#include "translation/audio/OpusFrameDecoder.hpp"
#include "translation/audio/Resampler.hpp"
#include "translation/mt/ApertiumTranslator.hpp"
#include "translation/pipeline/TranslationService.hpp"

// The live-translation pipeline on its real engines (pocketsphinx, Apertium, flite/espeak-ng), fed
// through the SFU's audio tap with RTP Opus packets made from flite speech: what a room would see.
namespace jb::translation {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::CapturingListener;
using Packets = std::vector<std::vector<uint8_t>>;

constexpr size_t kSpeakers = 6;
constexpr int kSilenceMs = 1000;  // between sentences: well past the 400 ms hangover

double millis(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

// The median of a histogram is only known to the bucket: "<= 300 ms".
std::string bucketMedian(const LatencyHistogram& histogram) {
  if (histogram.count() == 0) return "n/a";
  for (size_t i = 0; i < LatencyHistogram::kBucketsMs.size(); ++i) {
    if (histogram.bucket(i) * 2 >= histogram.count()) {
      std::ostringstream out;
      out << "<= " << LatencyHistogram::kBucketsMs[i] << " ms";
      return out.str();
    }
  }
  return "> 5000 ms";
}

void printStage(const char* name, const LatencyHistogram& histogram) {
  double mean = histogram.count() ? histogram.sumSeconds() * 1000 / double(histogram.count()) : 0;
  std::cout << "[ latency  ] " << std::left << std::setw(34) << name << std::right << " median "
            << bucketMedian(histogram) << ", mean " << std::fixed << std::setprecision(0) << mean
            << " ms (n=" << histogram.count() << ")\n";
}

std::vector<CaptionEvent> finalsOf(const std::vector<CaptionEvent>& captions) {
  std::vector<CaptionEvent> finals;
  for (const auto& c : captions)
    if (c.final) finals.push_back(c);
  return finals;
}

// Waits for `count` finals; gives up early once nothing new has come for `quiet` (a sentence may have
// been lost or merged), and at `limit` in any case.
void waitForFinals(CapturingListener& listener, size_t count, std::chrono::milliseconds quiet,
                   std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  size_t seen = listener.captions().size();
  auto lastChange = Clock::now();
  while (Clock::now() < deadline && Clock::now() - lastChange < quiet) {
    if (listener.waitForFinals(count, 200ms)) return;
    size_t now = listener.captions().size();
    if (now != seen) {
      seen = now;
      lastChange = Clock::now();
    }
  }
}

class TranslationPipelineTest : public ::testing::Test {
 protected:
  struct Sentence {
    std::string text;
    PcmAudio audio48k;
  };

  // Expensive and stateless between utterances, so shared by the suite: the recognizers (~270 ms
  // and ~100 MB each) and the voices (espeak-ng initialises once per process). Translators are not
  // shared: each test gets its own Apertium chains and an empty cache, so nothing is answered from
  // an earlier test's cache.
  static void SetUpTestSuite() {
    try {
      if (!test::fliteInstalled())
        throw std::runtime_error(
            "the flite binary is not installed (apt-get install flite); it makes the speech");
      const auto texts = test::readMeetingSentences();
      if (texts.size() < 10)
        throw std::runtime_error("expected at least 10 sentences in meeting-sentences.txt");
      dir_ = std::filesystem::temp_directory_path() / ("jb-pipeline-test-" + std::to_string(::getpid()));
      std::filesystem::create_directories(dir_);
      sentences_ = new std::vector<Sentence>();
      for (size_t i = 0; i < texts.size(); ++i)
        sentences_->push_back({texts[i], resample(test::speakWithFlite(texts[i], dir_, i), 48000)});

      auto started = Clock::now();
      recognizers_ = new RecognizerPool({{"en", [] { return std::make_unique<PocketsphinxRecognizer>(); }}},
                                        kSpeakers, kSpeakers);
      recognizers_->prewarm();
      voices_ = new VoiceSet(VoiceSet::withDefaultEngines());
      std::cout << "[ setup    ] " << sentences_->size() << " sentences spoken by flite, " << kSpeakers
                << " recognizers and the voices ready in " << std::fixed << std::setprecision(0)
                << millis(Clock::now() - started) << " ms\n";
    } catch (const std::exception& e) {
      setupError_ = new std::string(e.what());
    }
  }

  static void TearDownTestSuite() {
    delete voices_;
    voices_ = nullptr;
    delete recognizers_;
    recognizers_ = nullptr;
    delete sentences_;
    sentences_ = nullptr;
    delete setupError_;
    setupError_ = nullptr;
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  void SetUp() override {
    if (setupError_ != nullptr) FAIL() << *setupError_;
  }

  // One test's engines over the shared recognizers and voices.
  struct Engines {
    Engines() { apertium->warmUp({"en", "es"}); }
    std::shared_ptr<ApertiumTranslator> apertium = std::make_shared<ApertiumTranslator>();
    TranslationRouter router{apertium};
    TranslationEngines engines{*recognizers_, router, *voices_};
  };

  static const Sentence& sentence(size_t i) { return (*sentences_)[i % sentences_->size()]; }

  // A microphone saying `sentences`, each followed by a second of silence, as RTP Opus packets. The
  // silence is encoded audio, as a browser without DTX sends it.
  static Packets speech(test::RtpOpusSource& source, const std::vector<size_t>& sentences,
                        int leadInMs = 500) {
    std::vector<int16_t> audio = test::silence48k(leadInMs);
    for (size_t i : sentences) {
      test::append(audio, sentence(i).audio48k.samples);
      test::append(audio, test::silence48k(kSilenceMs));
    }
    return source.packets(audio);
  }

  static std::string transcript(const std::vector<size_t>& sentences) {
    std::string text;
    for (size_t i : sentences) text += sentence(i).text + " ";
    return text;
  }

  // Pushes packets at their due times: 20 ms apart divided by `speed`, `burst` at a time, timing each
  // push() call (which must never wait).
  static test::PushTimer pushLive(sfu::AudioTap& tap, uint64_t stream, Packets& packets, double speed = 1.0,
                                  size_t burst = 1) {
    const auto start = Clock::now();
    test::PushTimer timer;
    for (size_t i = 0; i < packets.size(); ++i) {
      if (i % burst == 0) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<Clock::duration>(test::kFrameDuration * (double(i) / speed)));
      }
      auto packet = test::rtpView(packets[i]);
      timer.time([&] { tap.push(stream, packet); });
    }
    return timer;
  }

  struct LoadOutcome {
    test::PushTimer pushes;
    uint64_t pushed = 0;
    uint64_t tapped = 0;
    uint64_t dropped = 0;
    std::map<std::string, std::vector<std::string>> finalsBySpeaker;
    std::map<std::string, std::string> reference;
  };

  // Six people talking at once for about eight seconds, each pushed from its own thread (as the
  // SFU's workers would), `burst` packets at a time at real-time pace on average.
  static LoadOutcome runSixSpeakers(TranslationService::Options options, size_t burst) {
    Engines engines;
    LoadOutcome outcome;
    CapturingListener listener;
    TranslationService service(options, engines.engines);
    service.rooms().setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = false});
    std::vector<Packets> packets;
    for (size_t k = 0; k < kSpeakers; ++k) {
      const std::string peer = "speaker-" + std::to_string(k);
      service.rooms().setPeer("room", peer, peer, {.speak = "en", .captions = "en", .voice = false});
      test::RtpOpusSource source(static_cast<uint32_t>(0x5000 + k));
      const std::vector<size_t> said{2 * k, 2 * k + 1};
      packets.push_back(speech(source, said));
      outcome.pushed += packets.back().size();
      outcome.reference[peer] = transcript(said);
    }
    service.start(listener);
    std::vector<uint64_t> streams;
    for (size_t k = 0; k < kSpeakers; ++k)
      streams.push_back(
          service.openStream({"room", "mic-" + std::to_string(k), "speaker-" + std::to_string(k)}));

    std::vector<test::PushTimer> timers(kSpeakers);
    std::vector<std::thread> workers;
    for (size_t k = 0; k < kSpeakers; ++k)
      workers.emplace_back([&, k] { timers[k] = pushLive(service, streams[k], packets[k], 1.0, burst); });
    for (auto& worker : workers) worker.join();
    waitForFinals(listener, 2 * kSpeakers, 5s, 40s);
    for (uint64_t stream : streams) service.closeStream(stream);
    service.stop();

    for (const auto& timer : timers) outcome.pushes.merge(timer);
    outcome.tapped = service.metrics().packetsTapped;
    outcome.dropped = service.metrics().tapDropsQueueFull;
    for (const auto& f : finalsOf(listener.captions()))
      outcome.finalsBySpeaker[f.speakerPeerId].push_back(f.text);
    for (const auto& [peer, texts] : outcome.finalsBySpeaker) {
      std::string said;
      for (const auto& t : texts) said += t + " ";
      std::cout << "[ speaker  ] " << peer << ": " << texts.size() << " finals, WER " << std::fixed
                << std::setprecision(2) << wordErrorRate(outcome.reference[peer], said) << " '" << said
                << "'\n";
    }
    std::cout << "[ load     ] " << outcome.pushed << " packets pushed, " << outcome.dropped
              << " dropped for a full queue; " << outcome.pushes.summary() << "\n";
    return outcome;
  }

  static inline std::filesystem::path dir_;
  static inline std::vector<Sentence>* sentences_ = nullptr;
  static inline RecognizerPool* recognizers_ = nullptr;
  static inline VoiceSet* voices_ = nullptr;
  static inline std::string* setupError_ = nullptr;
};

TEST_F(TranslationPipelineTest, MeetingSentencesBecomeEnglishAndSpanishCaptionsAndSpanishVoice) {
  Engines engines;
  CapturingListener listener;  // outlives the service's threads
  TranslationService service(TranslationService::Options{}, engines.engines);
  service.rooms().setPeer("room", "alice", "Alice", {.speak = "en", .captions = "en", .voice = false});
  service.rooms().setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = true});
  service.start(listener);

  std::vector<size_t> said(sentences_->size());
  std::iota(said.begin(), said.end(), 0);
  test::RtpOpusSource microphone(0xa11ce);
  Packets packets = speech(microphone, said);
  uint64_t stream = service.openStream({"room", "mic-alice", "alice"});
  const auto started = Clock::now();
  auto pushes = pushLive(service, stream, packets);  // real time: ~40 s
  const auto pushed = Clock::now();
  waitForFinals(listener, said.size(), 4s, 20s);
  const size_t finalCount = CapturingListener::finalsIn(listener.captions());
  listener.waitFor([&](const auto&, const auto& speech) { return speech.size() >= finalCount; }, 10s);
  service.closeStream(stream);
  service.stop();

  const auto captions = listener.captions();
  const auto captionTimes = listener.captionTimes();
  const auto finals = finalsOf(captions);
  std::string hypothesis;
  for (const auto& f : finals) {
    hypothesis += f.text + " ";
    std::cout << "[ caption  ] " << f.utteranceId << " '" << f.text << "' -> es '"
              << (f.translations.contains("es") ? f.translations.at("es").text : "(none)") << "'\n";
  }
  const std::string reference = transcript(said);
  const double shared = sharedWordFraction(reference, hypothesis);
  const double wer = wordErrorRate(reference, hypothesis);
  std::cout << "[ accuracy ] " << finals.size() << " finals for " << said.size() << " sentences, WER "
            << std::fixed << std::setprecision(3) << wer << ", shared words " << shared << "\n";
  RecordProperty("wer", std::to_string(wer));
  RecordProperty("shared_word_fraction", std::to_string(shared));

  EXPECT_GE(shared, 0.6);
  EXPECT_GE(finals.size(), said.size() - 2) << "about one utterance per sentence";
  EXPECT_LE(finals.size(), said.size() + 4);

  // Every final carries Spanish, and it is a translation, not the English passed through.
  for (const auto& f : finals) {
    ASSERT_TRUE(f.translations.contains("es")) << f.text;
    const auto& es = f.translations.at("es").text;
    EXPECT_FALSE(es.empty()) << f.text;
    EXPECT_NE(es, f.text);
    EXPECT_EQ(f.language, "en");
    EXPECT_EQ(f.speakerName, "Alice");
  }

  // Partials come first, and never after their utterance's final.
  std::map<std::string, size_t> finalAt;
  for (size_t i = 0; i < captions.size(); ++i)
    if (captions[i].final) finalAt[captions[i].utteranceId] = i;
  std::set<std::string> withPartials;
  size_t partials = 0;
  for (size_t i = 0; i < captions.size(); ++i) {
    if (captions[i].final) continue;
    ++partials;
    withPartials.insert(captions[i].utteranceId);
    auto final = finalAt.find(captions[i].utteranceId);
    if (final != finalAt.end()) {
      EXPECT_LT(i, final->second) << "partial after final: " << captions[i].text;
    }
  }
  std::cout << "[ partials ] " << partials << " partials; " << withPartials.size() << " of " << finals.size()
            << " utterances had partials before their final\n";
  EXPECT_GT(partials, 0u);
  EXPECT_GE(withPartials.size() * 2, finals.size());

  // The Spanish voice is real audio.
  const auto speech = listener.speech();
  const auto speechTimes = listener.speechTimes();
  ASSERT_FALSE(speech.empty());
  size_t audible = 0;
  for (const auto& s : speech) {
    EXPECT_EQ(s.language, "es");
    OpusFrameDecoder decoder;
    std::vector<int16_t> pcm;
    for (const auto& frame : s.opusFrames) test::append(pcm, decoder.decode(frame));
    if (test::rms(pcm) > 300) ++audible;
  }
  std::cout << "[ voice    ] " << speech.size() << " Spanish utterances synthesized, " << audible
            << " audible\n";
  EXPECT_GE(audible, 1u);

  // Latency: printed, never asserted (a shared 2-core machine).
  std::vector<double> captionMs, voiceMs, partialLeadMs;
  std::map<std::string, Clock::time_point> firstPartial;
  for (size_t i = 0; i < captions.size(); ++i) {
    if (!captions[i].final) {
      firstPartial.try_emplace(captions[i].utteranceId, captionTimes[i]);
    } else {
      captionMs.push_back(millis(captionTimes[i] - captions[i].speechEnded));
      if (auto p = firstPartial.find(captions[i].utteranceId); p != firstPartial.end())
        partialLeadMs.push_back(millis(captionTimes[i] - p->second));
    }
  }
  for (size_t i = 0; i < speech.size(); ++i)
    voiceMs.push_back(millis(speechTimes[i] - speech[i].speechEnded));
  const auto& metrics = service.metrics();
  std::cout << std::fixed << std::setprecision(0);
  printStage("asr: speech end -> final text", metrics.asrFinal);
  printStage("mt: final -> every caption language", metrics.translation);
  printStage("tts: text -> Opus frames", metrics.synthesis);
  printStage("speech end -> final caption", metrics.captionLatency);
  printStage("speech end -> translated voice", metrics.voiceLatency);
  std::cout << "[ latency  ] measured at the listener: speech end -> final caption median "
            << median(captionMs) << " ms, -> Spanish voice median " << median(voiceMs)
            << " ms; first partial came " << median(partialLeadMs) << " ms before its final (medians)\n";
  std::cout << "[ timing   ] " << millis(pushed - started) / 1000 << " s of pushing at real time; "
            << pushes.summary() << "\n";
  EXPECT_TRUE(pushes.neverWaited()) << pushes.summary();
  EXPECT_EQ(metrics.tapDropsQueueFull, 0u);
  EXPECT_EQ(metrics.translationErrors, 0u);
  EXPECT_EQ(metrics.synthesisErrors, 0u);
}

TEST_F(TranslationPipelineTest, SixSimultaneousSpeakersNeverBlockTheMediaThreads) {
  TranslationService::Options options;
  options.recognitionThreads = 2;
  auto outcome = runSixSpeakers(options, 1);

  EXPECT_TRUE(outcome.pushes.neverWaited()) << "push() must never wait: " << outcome.pushes.summary();
  EXPECT_EQ(outcome.tapped, outcome.pushed);
  // 2048 packets per recognition thread hold ~13 s of its three speakers, more than was said.
  EXPECT_EQ(outcome.dropped, 0u);
  for (size_t k = 0; k < kSpeakers; ++k)
    EXPECT_FALSE(outcome.finalsBySpeaker["speaker-" + std::to_string(k)].empty()) << "speaker-" << k;
}

TEST_F(TranslationPipelineTest, TinyTapQueueDropsAndCountsButKeepsGoing) {
  TranslationService::Options options;
  options.recognitionThreads = 2;
  options.tapQueuePackets = 16;
  // 200 ms bursts: three speakers' bursts reach a recognition thread together, 30 packets for 16 places.
  auto outcome = runSixSpeakers(options, 10);

  EXPECT_TRUE(outcome.pushes.neverWaited())
      << "a full queue drops; it never makes the media thread wait: " << outcome.pushes.summary();
  EXPECT_EQ(outcome.tapped, outcome.pushed);
  EXPECT_GT(outcome.dropped, 0u);
  EXPECT_LT(outcome.dropped, outcome.pushed);
  size_t finals = 0;
  for (const auto& [peer, texts] : outcome.finalsBySpeaker) finals += texts.size();
  EXPECT_GT(finals, 0u) << "what got through is still recognised";
}

TEST_F(TranslationPipelineTest, CaptionsResumeAfterAnApertiumProgramIsKilled) {
  std::set<pid_t> earlier;
  for (const auto& child : test::apertiumChildren()) earlier.insert(child.pid);
  Engines engines;  // starts and warms its own en->es chain
  std::vector<test::ChildProcess> chain;
  for (const auto& child : test::apertiumChildren())
    if (!earlier.contains(child.pid)) chain.push_back(child);
  ASSERT_FALSE(chain.empty()) << "no Apertium program found among this process's children";

  CapturingListener listener;
  TranslationService service(TranslationService::Options{}, engines.engines);
  service.rooms().setPeer("room", "alice", "Alice", {.speak = "en", .captions = "en", .voice = false});
  service.rooms().setPeer("room", "bob", "Bob", {.speak = "es", .captions = "es", .voice = false});
  service.start(listener);
  test::RtpOpusSource microphone(0xdead);
  uint64_t stream = service.openStream({"room", "mic-alice", "alice"});

  Packets before = speech(microphone, {2});
  pushLive(service, stream, before, 2.0);
  ASSERT_TRUE(listener.waitForFinals(1, 20s));

  // Between two utterances, one program in the middle of the chain dies.
  const auto victim = chain[chain.size() / 2];
  ASSERT_EQ(::kill(victim.pid, SIGKILL), 0);
  for (auto deadline = Clock::now() + 2s; !test::processGone(victim.pid) && Clock::now() < deadline;)
    std::this_thread::sleep_for(5ms);
  std::cout << "[ apertium ] killed " << victim.command << " (pid " << victim.pid << "), stage "
            << chain.size() / 2 + 1 << " of " << chain.size() << "\n";

  Packets after = speech(microphone, {5, 9}, 0);
  pushLive(service, stream, after, 2.0);
  waitForFinals(listener, 3, 4s, 20s);
  std::vector<test::ChildProcess> restarted;
  for (const auto& child : test::apertiumChildren())
    if (!earlier.contains(child.pid)) restarted.push_back(child);
  service.closeStream(stream);
  service.stop();

  const auto finals = finalsOf(listener.captions());
  ASSERT_GE(finals.size(), 2u);
  for (size_t i = 0; i < finals.size(); ++i) {
    const auto& f = finals[i];
    std::cout << "[ caption  ] " << (i == 0 ? "before" : "after ") << " kill '" << f.text << "' -> es '"
              << (f.translations.contains("es") ? f.translations.at("es").text : "(none)") << "'\n";
    ASSERT_TRUE(f.translations.contains("es")) << f.text;
    EXPECT_FALSE(f.translations.at("es").text.empty());
    EXPECT_NE(f.translations.at("es").text, f.text);
  }
  EXPECT_EQ(restarted.size(), chain.size()) << "the chain was started again in full";
  for (const auto& child : restarted) EXPECT_NE(child.pid, victim.pid);
  std::cout << "[ apertium ] " << service.metrics().translationErrors << " translation errors, chain of "
            << restarted.size() << " programs running again\n";
}

}  // namespace
}  // namespace jb::translation
