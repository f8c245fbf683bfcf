#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "translation/mt/LanguagePair.hpp"

namespace jb::translation {

// One installed Apertium translation direction, ready to be spawned as a pipeline.
struct ApertiumMode {
  LanguagePair pair;                               // ISO 639-1
  std::string name;                                // Apertium's name, e.g. "eng-spa"
  std::filesystem::path file;                      // the .mode file it came from
  std::vector<std::vector<std::string>> commands;  // one argv per program of the pipeline
};

// Scans an Apertium modes directory. Only plain "xxx-yyy" modes are kept: variants (eng-cat_valencia,
// es-pt_BR), debug and alternative chains (en-eo-bytecode) and unknown languages are skipped.
class ApertiumModes {
 public:
  static constexpr std::string_view kDefaultDir = "/usr/share/apertium/modes";

  // A missing directory gives an empty set (Apertium not installed), not an error.
  explicit ApertiumModes(std::filesystem::path dir = std::filesystem::path(kDefaultDir));

  const std::vector<ApertiumMode>& modes() const { return modes_; }
  const ApertiumMode* find(const LanguagePair& pair) const;

  // "eng" or "en" -> "en"; nullopt for codes we do not know.
  static std::optional<std::string> isoCode(std::string_view apertiumCode);

  // Splits a mode file's shell pipeline into argv lists, adds -z (null flush) to every program,
  // replaces $1 (generation mode) with -n (unmarked generation) and drops $2 (tagger extras).
  // Throws std::runtime_error on shell syntax we do not run (redirections, other variables).
  static std::vector<std::vector<std::string>> parseCommands(std::string_view modeText);

 private:
  std::vector<ApertiumMode> modes_;
};

}  // namespace jb::translation
