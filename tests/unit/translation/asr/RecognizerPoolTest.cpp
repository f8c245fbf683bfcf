#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "translation/asr/RecognizerPool.hpp"

namespace jb::translation {
namespace {

// Cheap stand-in: the pool's bookkeeping is under test here, not an engine.
class FakeRecognizer final : public SpeechRecognizer {
 public:
  explicit FakeRecognizer(std::string language) : language_(std::move(language)) {}
  const std::string& language() const override { return language_; }
  void startUtterance() override {}
  std::optional<std::string> acceptAudio(std::span<const int16_t>) override { return std::nullopt; }
  std::string endUtterance() override { return {}; }

 private:
  std::string language_;
};

struct Counters {
  std::atomic<int> en{0};
  std::atomic<int> es{0};
};

RecognizerPool::Factory fakeFactory(Counters& counters) {
  return {
      {"en",
       [&counters] {
         ++counters.en;
         return std::make_unique<FakeRecognizer>("en");
       }},
      {"es",
       [&counters] {
         ++counters.es;
         return std::make_unique<FakeRecognizer>("es");
       }},
  };
}

TEST(RecognizerPoolTest, ListsFactoryLanguages) {
  Counters counters;
  RecognizerPool pool(fakeFactory(counters), 0, 2);
  EXPECT_EQ(pool.languages(), (std::vector<std::string>{"en", "es"}));
}

TEST(RecognizerPoolTest, PrewarmCreatesWarmInstancesPerLanguage) {
  Counters counters;
  RecognizerPool pool(fakeFactory(counters), 2, 4);
  EXPECT_EQ(counters.en, 0) << "nothing is created before prewarm";
  pool.prewarm();
  EXPECT_EQ(counters.en, 2);
  EXPECT_EQ(counters.es, 2);
  EXPECT_EQ(pool.idleCount("en"), 2u);
  pool.prewarm();
  EXPECT_EQ(counters.en, 2) << "a second prewarm tops up, it does not add";
}

TEST(RecognizerPoolTest, AcquireUsesWarmInstanceWithoutCreating) {
  Counters counters;
  RecognizerPool pool(fakeFactory(counters), 1, 2);
  pool.prewarm();
  auto lease = pool.acquire("es");
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->language(), "es");
  EXPECT_EQ(counters.es, 1);
  EXPECT_EQ(pool.idleCount("es"), 0u);
}

TEST(RecognizerPoolTest, LeaseReturnsRecognizerOnDestruction) {
  Counters counters;
  RecognizerPool pool(fakeFactory(counters), 0, 2);
  const SpeechRecognizer* first = nullptr;
  {
    auto lease = pool.acquire("en");
    first = &*lease;
    EXPECT_EQ(pool.idleCount("en"), 0u);
  }
  EXPECT_EQ(pool.idleCount("en"), 1u);
  auto again = pool.acquire("en");
  EXPECT_EQ(&*again, first) << "the returned instance is reused";
  EXPECT_EQ(counters.en, 1);
}

TEST(RecognizerPoolTest, MovedLeaseReturnsOnce) {
  Counters counters;
  RecognizerPool pool(fakeFactory(counters), 0, 2);
  {
    auto lease = pool.acquire("en");
    RecognizerPool::Lease moved = std::move(lease);
    EXPECT_FALSE(lease);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_TRUE(moved);
  }
  EXPECT_EQ(pool.idleCount("en"), 1u);
  EXPECT_EQ(pool.totalCount("en"), 1u);
}

TEST(RecognizerPoolTest, ThrowsWhenMaxInstancesAreLeased) {
  Counters counters;
  RecognizerPool pool(fakeFactory(counters), 0, 2);
  auto a = pool.acquire("en");
  auto b = pool.acquire("en");
  EXPECT_THROW(pool.acquire("en"), RecognizerPoolExhausted);
  EXPECT_EQ(counters.en, 2);
  auto other = pool.acquire("es");  // the limit is per language
  EXPECT_TRUE(other);
  b = {};
  EXPECT_NO_THROW(pool.acquire("en"));
}

TEST(RecognizerPoolTest, ThrowsForUnknownLanguage) {
  Counters counters;
  RecognizerPool pool(fakeFactory(counters), 0, 1);
  EXPECT_THROW(pool.acquire("fr"), std::invalid_argument);
}

TEST(RecognizerPoolTest, RejectsWarmAboveMax) {
  Counters counters;
  EXPECT_THROW(RecognizerPool(fakeFactory(counters), 3, 2), std::invalid_argument);
  EXPECT_THROW(RecognizerPool(fakeFactory(counters), 0, 0), std::invalid_argument);
}

TEST(RecognizerPoolTest, FailedCreationFreesItsSlot) {
  int attempts = 0;
  RecognizerPool pool({{"en",
                        [&attempts]() -> std::unique_ptr<SpeechRecognizer> {
                          if (++attempts == 1) {
                            throw std::runtime_error("model missing");
                          }
                          return std::make_unique<FakeRecognizer>("en");
                        }}},
                      0, 1);
  EXPECT_THROW(pool.acquire("en"), std::runtime_error);
  EXPECT_EQ(pool.totalCount("en"), 0u);
  EXPECT_TRUE(pool.acquire("en"));
}

TEST(RecognizerPoolTest, LeaseMayOutliveItsPool) {
  Counters counters;
  RecognizerPool::Lease lease;
  {
    RecognizerPool pool(fakeFactory(counters), 0, 1);
    lease = pool.acquire("en");
  }
  EXPECT_EQ(lease->language(), "en");
  lease = {};  // frees the recognizer instead of returning it to the dead pool
}

TEST(RecognizerPoolTest, ConcurrentAcquireNeverExceedsMax) {
  Counters counters;
  constexpr size_t kMax = 3;
  RecognizerPool pool(fakeFactory(counters), 1, kMax);
  std::thread warmer([&] { pool.prewarm(); });
  std::atomic<int> exhausted{0};
  std::vector<std::thread> users;
  for (int t = 0; t < 6; ++t) {
    users.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        try {
          auto lease = pool.acquire("en");
          EXPECT_LE(pool.totalCount("en"), kMax);
        } catch (const RecognizerPoolExhausted&) {
          ++exhausted;
        }
      }
    });
  }
  for (auto& user : users) {
    user.join();
  }
  warmer.join();
  EXPECT_LE(counters.en, static_cast<int>(kMax));
  EXPECT_EQ(pool.idleCount("en"), pool.totalCount("en")) << "every lease came back";
}

}  // namespace
}  // namespace jb::translation
