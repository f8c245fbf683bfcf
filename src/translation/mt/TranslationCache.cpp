#include "translation/mt/TranslationCache.hpp"

#include <functional>

namespace jb::translation {

size_t TranslationCache::KeyHash::operator()(const Key& key) const {
  std::hash<std::string> hash;
  size_t h = hash(key.text);
  for (const std::string* part : {&key.engine, &key.from, &key.to}) {
    h ^= hash(*part) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

TranslationCache::TranslationCache(size_t capacity) : capacity_(capacity) {}

std::optional<std::string> TranslationCache::get(const Key& key) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->second;
}

void TranslationCache::put(const Key& key, std::string translation) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) {
    it->second->second = std::move(translation);
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  entries_.emplace_front(key, std::move(translation));
  index_.emplace(key, entries_.begin());
  if (entries_.size() > capacity_) {
    index_.erase(entries_.back().first);
    entries_.pop_back();
  }
}

size_t TranslationCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

size_t TranslationCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

size_t TranslationCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace jb::translation
