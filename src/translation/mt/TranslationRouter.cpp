#include "translation/mt/TranslationRouter.hpp"

#include "translation/mt/TranslationError.hpp"

namespace jb::translation {

TranslationRouter::TranslationRouter(std::shared_ptr<Translator> translator,
                                     std::shared_ptr<TranslationCache> cache, std::vector<std::string> pivots)
    : translator_(std::move(translator)), cache_(std::move(cache)), pivots_(std::move(pivots)) {
  if (!translator_) throw std::invalid_argument("TranslationRouter needs a translator");
  for (const auto& pair : translator_->pairs()) {
    pairs_.insert(pair);
    languages_.insert(pair.from);
    languages_.insert(pair.to);
  }
}

bool TranslationRouter::hasPair(const std::string& from, const std::string& to) const {
  return pairs_.count(LanguagePair{from, to}) != 0;
}

std::optional<Route> TranslationRouter::route(const std::string& from, const std::string& to) const {
  if (from == to) return Route{from, to, {}};
  if (hasPair(from, to)) return Route{from, to, {}};
  for (const auto& pivot : pivots_) {
    if (pivot == from || pivot == to) continue;
    if (hasPair(from, pivot) && hasPair(pivot, to)) return Route{from, to, {pivot}};
  }
  return std::nullopt;
}

std::string TranslationRouter::translateHop(const LanguagePair& pair, const std::string& text) {
  if (!cache_) return translator_->translate(pair, text);
  TranslationCache::Key key{translator_->name(), pair.from, pair.to, text};
  if (auto hit = cache_->get(key)) return *hit;
  std::string translated = translator_->translate(pair, text);
  cache_->put(key, translated);
  return translated;
}

TranslationResult TranslationRouter::translate(const std::string& from, const std::string& to,
                                               const std::string& text) {
  auto found = route(from, to);
  if (!found) throw TranslationError("no translation route from " + from + " to " + to);
  TranslationResult result{text, found->via};
  for (const auto& hop : found->hops()) {
    if (result.text.find_first_not_of(" \t\r\n") == std::string::npos) break;
    result.text = translateHop(hop, result.text);
  }
  return result;
}

std::vector<std::string> TranslationRouter::targetsFrom(const std::string& from) const {
  std::vector<std::string> targets;
  for (const auto& to : languages_) {
    if (to != from && route(from, to)) targets.push_back(to);
  }
  return targets;
}

std::vector<RouteInfo> TranslationRouter::routes() const {
  std::vector<RouteInfo> result;
  for (const auto& from : languages_) {
    for (const auto& to : languages_) {
      if (from == to) continue;
      if (auto found = route(from, to)) result.push_back(*found);
    }
  }
  return result;
}

std::vector<std::string> TranslationRouter::languages() const {
  return {languages_.begin(), languages_.end()};
}

}  // namespace jb::translation
