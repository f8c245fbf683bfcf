#pragma once

#include <stdexcept>

namespace jb::translation {

// A translation could not be produced: no route, an engine that died twice, or a timeout.
class TranslationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace jb::translation
