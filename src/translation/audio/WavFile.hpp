#pragma once

#include <filesystem>

#include "translation/audio/PcmAudio.hpp"

namespace jb::translation {

// RIFF/WAVE with 16-bit PCM samples: test speech made by flite, and recordings for benchmarks.
// Multi-channel input is mixed down to mono. Throws std::runtime_error on anything else.
PcmAudio readWav(const std::filesystem::path& path);
void writeWav(const std::filesystem::path& path, const PcmAudio& audio);

}  // namespace jb::translation
