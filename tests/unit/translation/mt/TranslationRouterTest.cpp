#include <gtest/gtest.h>

#include <atomic>

#include "translation/mt/ApertiumTranslator.hpp"
#include "translation/mt/TranslationError.hpp"
#include "translation/mt/TranslationRouter.hpp"

namespace jb::translation {
namespace {

// Tags text with the direction it went, so the hops are visible in the result.
class TaggingTranslator : public Translator {
 public:
  explicit TaggingTranslator(std::vector<LanguagePair> pairs) : pairs_(std::move(pairs)) {}
  std::string name() const override { return "tagging"; }
  std::vector<LanguagePair> pairs() const override { return pairs_; }
  std::string translate(const LanguagePair& pair, const std::string& text) override {
    return text + " >" + pair.to;
  }

 private:
  std::vector<LanguagePair> pairs_;
};

// Counts the calls that reach the engine behind it.
class CountingTranslator : public Translator {
 public:
  explicit CountingTranslator(std::shared_ptr<Translator> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return inner_->name(); }
  std::vector<LanguagePair> pairs() const override { return inner_->pairs(); }
  std::string translate(const LanguagePair& pair, const std::string& text) override {
    ++calls;
    return inner_->translate(pair, text);
  }
  std::atomic<int> calls{0};

 private:
  std::shared_ptr<Translator> inner_;
};

std::shared_ptr<CountingTranslator> fakeApertium() {
  return std::make_shared<CountingTranslator>(std::make_shared<TaggingTranslator>(std::vector<LanguagePair>{
      {"en", "es"}, {"es", "en"}, {"es", "pt"}, {"pt", "es"}, {"es", "fr"}, {"fr", "es"}, {"en", "eo"}}));
}

bool hasApertiumPivotPairs() {
  ApertiumModes modes;
  return modes.find({"en", "es"}) && modes.find({"es", "pt"}) && modes.find({"es", "fr"});
}

TEST(TranslationRouter, UsesTheDirectPairWhenThereIsOne) {
  TranslationRouter router(fakeApertium());
  EXPECT_EQ(router.route("en", "es"), (Route{"en", "es", {}}));
  auto result = router.translate("en", "es", "hi");
  EXPECT_EQ(result.text, "hi >es");
  EXPECT_TRUE(result.via.empty());
}

TEST(TranslationRouter, PivotsThroughSpanishWhenThereIsNoDirectPair) {
  TranslationRouter router(fakeApertium());
  EXPECT_EQ(router.route("en", "pt"), (Route{"en", "pt", {"es"}}));
  EXPECT_EQ(router.route("en", "fr"), (Route{"en", "fr", {"es"}}));
  auto result = router.translate("en", "pt", "hi");
  EXPECT_EQ(result.text, "hi >es >pt");
  EXPECT_EQ(result.via, std::vector<std::string>{"es"});
}

TEST(TranslationRouter, PivotsThroughEnglishWhenSpanishCannot) {
  TranslationRouter router(fakeApertium());
  EXPECT_EQ(router.route("es", "eo"), (Route{"es", "eo", {"en"}}));
}

TEST(TranslationRouter, SameLanguageReturnsTheTextWithoutCallingTheEngine) {
  auto engine = fakeApertium();
  TranslationRouter router(engine);
  auto result = router.translate("pt", "pt", "Olá");
  EXPECT_EQ(result.text, "Olá");
  EXPECT_TRUE(result.via.empty());
  EXPECT_EQ(engine->calls, 0);
}

TEST(TranslationRouter, HasNoRouteBeyondOnePivot) {
  TranslationRouter router(fakeApertium());
  EXPECT_EQ(router.route("pt", "eo"), std::nullopt);  // pt->es->en->eo would need two pivots
  EXPECT_EQ(router.route("en", "de"), std::nullopt);
  EXPECT_THROW(router.translate("en", "de", "hi"), TranslationError);
}

TEST(TranslationRouter, SecondIdenticalCallIsServedFromTheCache) {
  auto engine = fakeApertium();
  TranslationRouter router(engine);
  router.translate("en", "pt", "hi");
  EXPECT_EQ(engine->calls, 2);
  router.translate("en", "pt", "hi");
  EXPECT_EQ(engine->calls, 2);
  router.translate("en", "es", "hi");  // the first hop of en->pt, already cached
  EXPECT_EQ(engine->calls, 2);
  router.translate("en", "pt", "hello");
  EXPECT_EQ(engine->calls, 4);
}

TEST(TranslationRouter, WithoutACacheEveryCallReachesTheEngine) {
  auto engine = fakeApertium();
  TranslationRouter router(engine, nullptr);
  router.translate("en", "es", "hi");
  router.translate("en", "es", "hi");
  EXPECT_EQ(engine->calls, 2);
}

TEST(TranslationRouter, EmptyTextSkipsTheEngine) {
  auto engine = fakeApertium();
  TranslationRouter router(engine);
  EXPECT_EQ(router.translate("en", "pt", "  ").text, "  ");
  EXPECT_EQ(engine->calls, 0);
}

TEST(TranslationRouter, ListsEveryLanguageReachableFromOne) {
  TranslationRouter router(fakeApertium());
  EXPECT_EQ(router.targetsFrom("en"), (std::vector<std::string>{"eo", "es", "fr", "pt"}));
  EXPECT_EQ(router.targetsFrom("pt"), (std::vector<std::string>{"en", "es", "fr"}));
  EXPECT_TRUE(router.targetsFrom("de").empty());
}

TEST(TranslationRouter, RoutesReportShowsPivots) {
  TranslationRouter router(fakeApertium());
  auto routes = router.routes();
  EXPECT_NE(std::find(routes.begin(), routes.end(), RouteInfo{"en", "pt", {"es"}}), routes.end());
  EXPECT_NE(std::find(routes.begin(), routes.end(), RouteInfo{"en", "es", {}}), routes.end());
  for (const auto& route : routes) EXPECT_NE(route.from, route.to);
}

TEST(TranslationRouter, TranslatesEnglishToPortugueseThroughApertiumSpanish) {
  if (!hasApertiumPivotPairs()) GTEST_SKIP() << "apertium en-es, es-pt and es-fr are not installed";
  auto apertium = std::make_shared<ApertiumTranslator>();
  auto engine = std::make_shared<CountingTranslator>(apertium);
  TranslationRouter router(engine);
  ASSERT_EQ(router.route("en", "pt"), (Route{"en", "pt", {"es"}}));

  const std::string text = "I would like a cup of coffee with milk, please.";
  auto spanish = router.translate("en", "es", text);
  auto portuguese = router.translate("en", "pt", text);
  std::cout << "[ es       ] " << spanish.text << "\n[ pt       ] " << portuguese.text << "\n";
  EXPECT_EQ(portuguese.via, std::vector<std::string>{"es"});
  EXPECT_FALSE(portuguese.text.empty());
  EXPECT_NE(portuguese.text, spanish.text);
  EXPECT_EQ(engine->calls, 2);  // en->es once (cached for the pivot), es->pt once

  auto french = router.translate("en", "fr", "Good morning.");
  std::cout << "[ fr       ] " << french.text << "\n";
  EXPECT_EQ(french.via, std::vector<std::string>{"es"});
  EXPECT_FALSE(french.text.empty());

  router.translate("en", "pt", text);
  EXPECT_EQ(engine->calls, 4);  // the repeat cost nothing
}

}  // namespace
}  // namespace jb::translation
