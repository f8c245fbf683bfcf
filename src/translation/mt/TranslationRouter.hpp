#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "translation/mt/Route.hpp"
#include "translation/mt/TranslationCache.hpp"
#include "translation/mt/TranslationResult.hpp"
#include "translation/mt/Translator.hpp"

namespace jb::translation {

// What the pipeline calls to translate between any two languages: uses a direct pair when the
// engine has one, else one hop through a pivot language (Apertium has en->es and es->pt, but no
// en->pt). Every hop goes through the cache. Thread-safe if the translator is.
class TranslationRouter {
 public:
  // Spanish first: most installed Apertium pairs are Spanish-centred and Romance-to-Romance hops
  // lose less than a detour through English.
  static std::vector<std::string> defaultPivots() { return {"es", "en"}; }

  // cache may be null (no caching). The translator's pairs are read once, here.
  explicit TranslationRouter(std::shared_ptr<Translator> translator,
                             std::shared_ptr<TranslationCache> cache = std::make_shared<TranslationCache>(),
                             std::vector<std::string> pivots = defaultPivots());

  std::optional<Route> route(const std::string& from, const std::string& to) const;
  // Throws TranslationError when there is no route or the engine fails.
  TranslationResult translate(const std::string& from, const std::string& to, const std::string& text);

  // Every language reachable from `from` (direct or one pivot), sorted, without `from` itself.
  std::vector<std::string> targetsFrom(const std::string& from) const;
  // Every route between two different known languages, sorted by (from, to).
  std::vector<RouteInfo> routes() const;
  // Every language appearing in any pair, sorted.
  std::vector<std::string> languages() const;

 private:
  bool hasPair(const std::string& from, const std::string& to) const;
  std::string translateHop(const LanguagePair& pair, const std::string& text);

  std::shared_ptr<Translator> translator_;
  std::shared_ptr<TranslationCache> cache_;
  const std::vector<std::string> pivots_;
  std::set<LanguagePair> pairs_;
  std::set<std::string> languages_;
};

}  // namespace jb::translation
