#pragma once

// Valid inputs for a fuzz target, used by the replay driver (FuzzReplayMain.cpp) as mutation
// starting points and dumped with --dump-seeds as an initial libFuzzer corpus.

#include <cstdint>
#include <vector>

namespace jb::fuzz {

std::vector<std::vector<uint8_t>> seeds();

}  // namespace jb::fuzz
