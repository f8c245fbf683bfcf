#include "app/TranslationOptions.hpp"

namespace jb::app {

void addTranslationOptions(CLI::App& serve, TranslationOptions& options) {
  serve.add_flag("!--no-translation", options.enabled, "Turn live captions and translated voices off");
  serve.add_option("--recognition-threads", options.recognitionThreads,
                   "Speech recognition threads (0: one per core)");
  serve
      .add_option_function<int64_t>(
          "--vad-hangover-ms",
          [&options](int64_t ms) { options.vadHangover = std::chrono::milliseconds(ms); },
          "Silence that ends an utterance (default 400)")
      ->check(CLI::Range(100, 5000));
  serve
      .add_option_function<int64_t>(
          "--max-utterance-ms",
          [&options](int64_t ms) { options.maxUtterance = std::chrono::milliseconds(ms); },
          "Longest utterance before it is cut (default 15000)")
      ->check(CLI::Range(1000, 120000));
  serve.add_option("--warm-recognizers", options.warmRecognizers, "Speech recognizers started ahead of need")
      ->check(CLI::Range(0, 64));
  serve.add_option("--max-recognizers", options.maxRecognizers, "Most people recognised at the same time")
      ->check(CLI::Range(1, 256));
  serve.add_option("--pocketsphinx-model", options.pocketsphinxModelDir,
                   "pocketsphinx acoustic model directory");
  serve.add_option("--apertium-modes", options.apertiumModesDir, "Directory of Apertium .mode files");
}

}  // namespace jb::app
