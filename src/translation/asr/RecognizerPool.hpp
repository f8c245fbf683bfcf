#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "translation/asr/SpeechRecognizer.hpp"

namespace jb::translation {

// Thrown by RecognizerPool::acquire when every allowed instance for the language is leased.
class RecognizerPoolExhausted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Warm recognizers per language, because creating one is slow (pocketsphinx: ~270 ms). Each
// language keeps at most `max` instances; prewarm() creates `warm` of them ahead of the first call.
// Thread-safe; instances are created outside the lock so a slow creation never blocks a release.
class RecognizerPool {
 public:
  using Creator = std::function<std::unique_ptr<SpeechRecognizer>()>;
  // Language (ISO 639-1) -> how to create a recognizer for it.
  using Factory = std::map<std::string, Creator>;

  // A recognizer on loan; it goes back to the pool when the lease is destroyed. A lease may outlive
  // its pool, in which case the recognizer is simply freed.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    SpeechRecognizer& operator*() const { return *recognizer_; }
    SpeechRecognizer* operator->() const { return recognizer_.get(); }
    explicit operator bool() const { return recognizer_ != nullptr; }

   private:
    friend class RecognizerPool;
    struct State;
    Lease(std::weak_ptr<State> pool, std::string language, std::unique_ptr<SpeechRecognizer> recognizer);
    void release();

    std::weak_ptr<State> pool_;
    std::string language_;
    std::unique_ptr<SpeechRecognizer> recognizer_;
  };

  // Throws std::invalid_argument when max is 0 or warm > max.
  RecognizerPool(Factory factory, size_t warm, size_t max);
  ~RecognizerPool();
  RecognizerPool(const RecognizerPool&) = delete;
  RecognizerPool& operator=(const RecognizerPool&) = delete;

  // Creates instances until every language has `warm` of them. Safe to run on a background thread
  // while acquire() is called; a creator's exception propagates.
  void prewarm();

  // An idle recognizer, or a new one if none is idle and the language is under `max`.
  // Throws std::invalid_argument for a language the factory does not know and
  // RecognizerPoolExhausted when `max` instances are leased.
  Lease acquire(const std::string& language);

  std::vector<std::string> languages() const;
  size_t idleCount(const std::string& language) const;
  // Idle + leased + being created.
  size_t totalCount(const std::string& language) const;

 private:
  // Reserves a slot and creates an instance, or returns nullptr when the language is at `limit`.
  std::unique_ptr<SpeechRecognizer> createIfUnder(const std::string& language, size_t limit);

  std::shared_ptr<Lease::State> state_;
};

}  // namespace jb::translation
