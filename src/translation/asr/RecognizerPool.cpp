#include "translation/asr/RecognizerPool.hpp"

#include <mutex>

namespace jb::translation {

struct RecognizerPool::Lease::State {
  struct PerLanguage {
    RecognizerPool::Creator create;
    std::vector<std::unique_ptr<SpeechRecognizer>> idle;
    size_t total = 0;  // idle + leased + being created
  };

  size_t warm = 0;
  size_t max = 0;
  mutable std::mutex mutex;
  std::map<std::string, PerLanguage> languages;

  PerLanguage& at(const std::string& language) {
    const auto it = languages.find(language);
    if (it == languages.end()) {
      throw std::invalid_argument("no speech recognizer for language '" + language + "'");
    }
    return it->second;
  }
  const PerLanguage& at(const std::string& language) const { return const_cast<State*>(this)->at(language); }
};

RecognizerPool::Lease::Lease(std::weak_ptr<State> pool, std::string language,
                             std::unique_ptr<SpeechRecognizer> recognizer)
    : pool_(std::move(pool)), language_(std::move(language)), recognizer_(std::move(recognizer)) {}

RecognizerPool::Lease& RecognizerPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    release();
    pool_ = std::move(other.pool_);
    language_ = std::move(other.language_);
    recognizer_ = std::move(other.recognizer_);
  }
  return *this;
}

RecognizerPool::Lease::~Lease() {
  release();
}

void RecognizerPool::Lease::release() {
  if (!recognizer_) {
    return;
  }
  if (const auto pool = pool_.lock()) {
    std::lock_guard lock(pool->mutex);
    pool->at(language_).idle.push_back(std::move(recognizer_));
  }
  recognizer_.reset();
  pool_.reset();
}

RecognizerPool::RecognizerPool(Factory factory, size_t warm, size_t max)
    : state_(std::make_shared<Lease::State>()) {
  if (max == 0 || warm > max) {
    throw std::invalid_argument("RecognizerPool: need 0 < max and warm <= max");
  }
  state_->warm = warm;
  state_->max = max;
  for (auto& [language, create] : factory) {
    if (!create) {
      throw std::invalid_argument("RecognizerPool: no creator for language '" + language + "'");
    }
    state_->languages[language].create = std::move(create);
  }
}

RecognizerPool::~RecognizerPool() = default;

std::unique_ptr<SpeechRecognizer> RecognizerPool::createIfUnder(const std::string& language, size_t limit) {
  Creator create;
  {
    std::lock_guard lock(state_->mutex);
    auto& entry = state_->at(language);
    if (entry.total >= limit) {
      return nullptr;
    }
    ++entry.total;
    create = entry.create;
  }
  try {
    auto recognizer = create();
    if (!recognizer) {
      throw std::runtime_error("RecognizerPool: creator for '" + language + "' returned nothing");
    }
    return recognizer;
  } catch (...) {
    std::lock_guard lock(state_->mutex);
    --state_->at(language).total;
    throw;
  }
}

void RecognizerPool::prewarm() {
  for (const auto& language : languages()) {
    while (auto recognizer = createIfUnder(language, state_->warm)) {
      std::lock_guard lock(state_->mutex);
      state_->at(language).idle.push_back(std::move(recognizer));
    }
  }
}

RecognizerPool::Lease RecognizerPool::acquire(const std::string& language) {
  {
    std::lock_guard lock(state_->mutex);
    auto& entry = state_->at(language);
    if (!entry.idle.empty()) {
      auto recognizer = std::move(entry.idle.back());
      entry.idle.pop_back();
      return Lease(state_, language, std::move(recognizer));
    }
  }
  auto recognizer = createIfUnder(language, state_->max);
  if (!recognizer) {
    throw RecognizerPoolExhausted("RecognizerPool: all " + std::to_string(state_->max) +
                                  " recognizers for '" + language + "' are in use");
  }
  return Lease(state_, language, std::move(recognizer));
}

std::vector<std::string> RecognizerPool::languages() const {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> result;
  for (const auto& [language, entry] : state_->languages) {
    result.push_back(language);
  }
  return result;
}

size_t RecognizerPool::idleCount(const std::string& language) const {
  std::lock_guard lock(state_->mutex);
  return state_->at(language).idle.size();
}

size_t RecognizerPool::totalCount(const std::string& language) const {
  std::lock_guard lock(state_->mutex);
  return state_->at(language).total;
}

}  // namespace jb::translation
