#include <gtest/gtest.h>

#include "translation/mt/TranslationCache.hpp"

namespace jb::translation {
namespace {

using Key = TranslationCache::Key;

TEST(TranslationCache, ReturnsWhatWasStored) {
  TranslationCache cache;
  EXPECT_EQ(cache.get({"apertium", "en", "es", "Hello."}), std::nullopt);
  cache.put({"apertium", "en", "es", "Hello."}, "Hola.");
  EXPECT_EQ(cache.get({"apertium", "en", "es", "Hello."}), "Hola.");
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(TranslationCache, KeysIncludeEngineAndDirection) {
  TranslationCache cache;
  cache.put({"apertium", "en", "es", "no"}, "no");
  EXPECT_EQ(cache.get({"apertium", "en", "pt", "no"}), std::nullopt);
  EXPECT_EQ(cache.get({"apertium", "es", "en", "no"}), std::nullopt);
  EXPECT_EQ(cache.get({"other", "en", "es", "no"}), std::nullopt);
}

TEST(TranslationCache, EvictsTheLeastRecentlyUsedEntry) {
  TranslationCache cache(2);
  cache.put({"e", "en", "es", "a"}, "A");
  cache.put({"e", "en", "es", "b"}, "B");
  ASSERT_TRUE(cache.get({"e", "en", "es", "a"}));  // a is now more recent than b
  cache.put({"e", "en", "es", "c"}, "C");
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.get({"e", "en", "es", "b"}), std::nullopt);
  EXPECT_EQ(cache.get({"e", "en", "es", "a"}), "A");
  EXPECT_EQ(cache.get({"e", "en", "es", "c"}), "C");
}

TEST(TranslationCache, ReplacingAnEntryKeepsOneCopy) {
  TranslationCache cache(2);
  cache.put({"e", "en", "es", "a"}, "A1");
  cache.put({"e", "en", "es", "a"}, "A2");
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.get({"e", "en", "es", "a"}), "A2");
}

TEST(TranslationCache, ZeroCapacityStoresNothing) {
  TranslationCache cache(0);
  cache.put({"e", "en", "es", "a"}, "A");
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace jb::translation
