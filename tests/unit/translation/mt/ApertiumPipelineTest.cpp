#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <iostream>
#include <thread>

#include "translation/mt/ApertiumModes.hpp"
#include "translation/mt/ApertiumPipeline.hpp"
#include "translation/mt/TranslationError.hpp"

namespace jb::translation {
namespace {

using namespace std::chrono_literals;

std::vector<ApertiumPipeline::Command> englishSpanish() {
  static const ApertiumModes modes;
  const ApertiumMode* mode = modes.find({"en", "es"});
  return mode == nullptr ? std::vector<ApertiumPipeline::Command>{} : mode->commands;
}

#define REQUIRE_ENGLISH_SPANISH() \
  if (englishSpanish().empty()) GTEST_SKIP() << "apertium-eng-spa is not installed"

TEST(ApertiumPipeline, TranslatesGoodMorningToSpanish) {
  REQUIRE_ENGLISH_SPANISH();
  ApertiumPipeline pipeline(englishSpanish());
  EXPECT_EQ(pipeline.translate("Good morning."), "Buenos días.");
}

TEST(ApertiumPipeline, GivesSeparateAnswersForConsecutiveSentences) {
  REQUIRE_ENGLISH_SPANISH();
  ApertiumPipeline pipeline(englishSpanish());
  std::string first = pipeline.translate("Good morning.");
  std::string second = pipeline.translate("The house is big.");
  EXPECT_EQ(first, "Buenos días.");
  EXPECT_NE(second.find("casa"), std::string::npos) << second;
  EXPECT_EQ(second.find("Buenos"), std::string::npos) << second;
}

TEST(ApertiumPipeline, UnknownWordsComeOutWithoutMarks) {
  REQUIRE_ENGLISH_SPANISH();
  ApertiumPipeline pipeline(englishSpanish());
  std::string out = pipeline.translate("Zorblax is here.");
  EXPECT_NE(out.find("Zorblax"), std::string::npos) << out;
  EXPECT_EQ(out.find_first_of("*#@"), std::string::npos) << out;
}

TEST(ApertiumPipeline, ReservedCharactersNeitherHangNorCorruptTheStream) {
  REQUIRE_ENGLISH_SPANISH();
  ApertiumPipeline pipeline(englishSpanish());
  std::string out =
      pipeline.translate("I paid $5 for [two] books / maybe {three} <today> @home ^_^ back\\slash.");
  std::cout << "[ out      ] " << out << "\n";
  for (const char* kept : {"$5", "[", "]", "/", "{", "}", "<", ">", "\\"}) {
    EXPECT_NE(out.find(kept), std::string::npos) << kept << " missing from: " << out;
  }
  // The stream is still in step: the next sentence gets its own answer.
  EXPECT_EQ(pipeline.translate("Good morning."), "Buenos días.");
  EXPECT_EQ(pipeline.restarts(), 0u);
}

TEST(ApertiumPipeline, EscapingRoundTripsThroughAnEchoingStage) {
  // cat passes the NUL through, so it answers like a one-stage Apertium chain.
  ApertiumPipeline pipeline({{"cat"}});
  const std::string text = R"(A [note] costs $5 / {x} <y> ^z back\slash *star* @at ~t #h)";
  EXPECT_EQ(pipeline.translate(text), text);
  EXPECT_EQ(pipeline.translate("second"), "second");
}

TEST(ApertiumPipeline, ConcurrentCallersEachGetTheirOwnAnswer) {
  ApertiumPipeline pipeline({{"cat"}, {"cat"}});
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string text = "thread " + std::to_string(t) + " line " + std::to_string(i);
        if (pipeline.translate(text) != text) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(ApertiumPipeline, RestartsTheChainAfterAStageIsKilled) {
  REQUIRE_ENGLISH_SPANISH();
  ApertiumPipeline pipeline(englishSpanish());
  ASSERT_EQ(pipeline.translate("Good morning."), "Buenos días.");
  std::vector<pid_t> before = pipeline.childPids();
  ASSERT_EQ(before.size(), englishSpanish().size());

  ASSERT_EQ(::kill(before[before.size() / 2], SIGKILL), 0);
  EXPECT_EQ(pipeline.translate("Good morning."), "Buenos días.");
  EXPECT_EQ(pipeline.restarts(), 1u);
  std::vector<pid_t> after = pipeline.childPids();
  for (pid_t pid : after) EXPECT_EQ(std::count(before.begin(), before.end(), pid), 0);
}

TEST(ApertiumPipeline, RestartsWhicheverStageIsKilled) {
  REQUIRE_ENGLISH_SPANISH();
  ApertiumPipeline pipeline(englishSpanish());
  ASSERT_EQ(pipeline.translate("Good morning."), "Buenos días.");
  const size_t last = englishSpanish().size() - 1;
  size_t expectedRestarts = 0;
  for (size_t stage : {size_t{0}, size_t{1}, last - 1, last}) {
    ASSERT_EQ(::kill(pipeline.childPids()[stage], SIGKILL), 0);
    EXPECT_EQ(pipeline.translate("Good morning."), "Buenos días.") << "stage " << stage;
    EXPECT_EQ(pipeline.restarts(), ++expectedRestarts) << "stage " << stage;
  }
}

TEST(ApertiumPipeline, RestartsWhenTheFirstStageDiesBeforeTheWrite) {
  ApertiumPipeline pipeline({{"cat"}, {"cat"}});
  ASSERT_EQ(::kill(pipeline.childPids()[0], SIGKILL), 0);
  std::this_thread::sleep_for(50ms);  // let it die, so the write itself meets a closed socket
  EXPECT_EQ(pipeline.translate("still here"), "still here");
  EXPECT_EQ(pipeline.restarts(), 1u);
}

TEST(ApertiumPipeline, ThrowsWithoutSigpipeWhenTheChainKeepsDying) {
  // `true` exits without reading: the write meets a closed socket (EPIPE, not SIGPIPE) or the
  // read meets end of file, on the first try and on the retry.
  ApertiumPipeline pipeline({{"true"}});
  EXPECT_THROW(pipeline.translate("hello"), TranslationError);
  EXPECT_GE(pipeline.restarts(), 2u);
}

TEST(ApertiumPipeline, TimesOutAndRestartsAChainThatNeverAnswers) {
  ApertiumPipeline pipeline({{"sleep", "100"}}, 200ms);
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(pipeline.translate("hello"), TranslationError);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 190ms);
  EXPECT_LT(elapsed, 2s);
  EXPECT_EQ(pipeline.restarts(), 1u);
  EXPECT_EQ(pipeline.childPids().size(), 1u);
}

TEST(ApertiumPipeline, DestructorKillsAndReapsEveryStage) {
  std::vector<pid_t> pids;
  {
    ApertiumPipeline pipeline({{"cat"}, {"sleep", "100"}});
    pids = pipeline.childPids();
    ASSERT_EQ(pids.size(), 2u);
  }
  for (pid_t pid : pids) {
    EXPECT_EQ(::kill(pid, 0), -1);
    EXPECT_EQ(errno, ESRCH);
  }
}

TEST(ApertiumPipeline, ThrowsWhenAProgramCannotBeStarted) {
  EXPECT_THROW(ApertiumPipeline({{"cat"}, {"/nonexistent/jb-apertium-stage"}}), TranslationError);
}

TEST(ApertiumPipeline, ReportsWarmSentenceLatency) {
  REQUIRE_ENGLISH_SPANISH();
  ApertiumPipeline pipeline(englishSpanish());
  pipeline.translate("Hello.");
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    auto start = std::chrono::steady_clock::now();
    pipeline.translate("I would like to meet you tomorrow at the station, number " + std::to_string(i) + ".");
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::cout << "[ measured ] warm en->es sentence: median " << ms[ms.size() / 2] << " ms, max " << ms.back()
            << " ms (20 sentences)\n";
}

}  // namespace
}  // namespace jb::translation
