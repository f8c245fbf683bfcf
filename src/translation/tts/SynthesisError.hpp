#pragma once

#include <stdexcept>

namespace jb::translation {

// Speech synthesis could not be done: an unsupported language, or the engine failed.
class SynthesisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace jb::translation
