#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <string>

namespace jb::app {

// Live translation settings (docs/translation.md).
struct TranslationOptions {
  bool enabled = true;
  unsigned recognitionThreads = 0;  // 0: one per core
  std::chrono::milliseconds vadHangover{400};
  std::chrono::milliseconds maxUtterance{15000};
  size_t warmRecognizers = 2;  // pocketsphinx takes ~270 ms and ~100 MB to start, so keep some ready
  size_t maxRecognizers = 8;   // at most this many people are recognised at once
  std::string pocketsphinxModelDir = "/usr/share/pocketsphinx/model/en-us";
  std::string apertiumModesDir = "/usr/share/apertium/modes";
};

void addTranslationOptions(CLI::App& serve, TranslationOptions& options);

}  // namespace jb::app
