#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace jb::translation {

// Bounded LRU of finished translations, keyed by (engine, from, to, text). Speakers repeat
// themselves ("yes", "okay", "can you hear me?"), and a hit skips the engine entirely.
// Thread-safe.
class TranslationCache {
 public:
  struct Key {
    std::string engine;
    std::string from;
    std::string to;
    std::string text;
    bool operator==(const Key&) const = default;
  };

  explicit TranslationCache(size_t capacity = 1024);

  std::optional<std::string> get(const Key& key);
  void put(const Key& key, std::string translation);

  size_t size() const;
  size_t capacity() const { return capacity_; }
  size_t hits() const;
  size_t misses() const;

 private:
  struct KeyHash {
    size_t operator()(const Key& key) const;
  };
  using Entry = std::pair<Key, std::string>;

  const size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index_;
  size_t hits_ = 0;
  size_t misses_ = 0;
};

}  // namespace jb::translation
