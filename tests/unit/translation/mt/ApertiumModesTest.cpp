#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "translation/mt/ApertiumModes.hpp"

namespace jb::translation {
namespace {

namespace fs = std::filesystem;

class TempModesDir {
 public:
  TempModesDir() : dir_(fs::temp_directory_path() / ("jb-mt-modes-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
  }
  ~TempModesDir() { fs::remove_all(dir_); }
  void write(const std::string& name, const std::string& text = "lt-proc 'a.bin' | lt-proc $1 'g.bin'") {
    std::ofstream(dir_ / name) << text << "\n";
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

TEST(ApertiumModes, FindsInstalledEnglishSpanishAndSpanishPortuguese) {
  ApertiumModes modes;
  const ApertiumMode* enEs = modes.find({"en", "es"});
  ASSERT_NE(enEs, nullptr);
  EXPECT_EQ(enEs->name, "eng-spa");
  EXPECT_GE(enEs->commands.size(), 5u);
  const ApertiumMode* esPt = modes.find({"es", "pt"});
  ASSERT_NE(esPt, nullptr);
  EXPECT_EQ(esPt->name, "es-pt");
}

TEST(ApertiumModes, SkipsInstalledVariantsAndAlternativeChains) {
  ApertiumModes modes;
  ASSERT_FALSE(modes.modes().empty());
  for (const auto& mode : modes.modes()) {
    EXPECT_EQ(mode.name.find('_'), std::string::npos) << mode.name;
    EXPECT_EQ(mode.name.find("bytecode"), std::string::npos) << mode.name;
    EXPECT_EQ(mode.name.find("eco"), std::string::npos) << mode.name;
    EXPECT_EQ(mode.pair.from.size(), 2u) << mode.name;
    EXPECT_EQ(mode.pair.to.size(), 2u) << mode.name;
  }
}

TEST(ApertiumModes, KeepsOnlyPlainPairsOfKnownLanguages) {
  TempModesDir dir;
  dir.write("eng-spa.mode");
  dir.write("es-pt_BR.mode");
  dir.write("eng-cat_valencia.mode");
  dir.write("en-eo-bytecode.mode");
  dir.write("eco-es-fr.mode");
  dir.write("xyz-spa.mode");
  dir.write("README");
  ApertiumModes modes(dir.path());
  ASSERT_EQ(modes.modes().size(), 1u);
  EXPECT_EQ(modes.modes()[0].name, "eng-spa");
  EXPECT_EQ(modes.modes()[0].pair, (LanguagePair{"en", "es"}));
}

TEST(ApertiumModes, PrefersTheThreeLetterNameWhenBothNamesExist) {
  TempModesDir dir;
  dir.write("en-es.mode");
  dir.write("eng-spa.mode");
  ApertiumModes modes(dir.path());
  ASSERT_EQ(modes.modes().size(), 1u);
  EXPECT_EQ(modes.modes()[0].name, "eng-spa");
}

TEST(ApertiumModes, SkipsModesWithShellSyntaxItDoesNotRun) {
  TempModesDir dir;
  dir.write("eng-spa.mode", "lt-proc 'a.bin' > /tmp/out");
  ApertiumModes modes(dir.path());
  EXPECT_TRUE(modes.modes().empty());
}

TEST(ApertiumModes, MissingDirectoryGivesNoModes) {
  ApertiumModes modes("/nonexistent/apertium/modes");
  EXPECT_TRUE(modes.modes().empty());
  EXPECT_EQ(modes.find({"en", "es"}), nullptr);
}

TEST(ApertiumModes, MapsThreeAndTwoLetterCodesToIso6391) {
  EXPECT_EQ(ApertiumModes::isoCode("eng"), "en");
  EXPECT_EQ(ApertiumModes::isoCode("spa"), "es");
  EXPECT_EQ(ApertiumModes::isoCode("es"), "es");
  EXPECT_EQ(ApertiumModes::isoCode("cat"), "ca");
  EXPECT_EQ(ApertiumModes::isoCode("por"), "pt");
  EXPECT_EQ(ApertiumModes::isoCode("nob"), "nb");
  EXPECT_EQ(ApertiumModes::isoCode("hbs"), "sh");
  EXPECT_EQ(ApertiumModes::isoCode("xyz"), std::nullopt);
  EXPECT_EQ(ApertiumModes::isoCode("pt_BR"), std::nullopt);
}

TEST(ApertiumModes, ParsesAPipelineIntoNullFlushedCommands) {
  auto commands = ApertiumModes::parseCommands(
      "lt-proc '/d/eng-spa.automorf.bin' | apertium-tagger -g $2 '/d/eng-spa.prob' | "
      "apertium-pretransfer | lt-proc $1 '/d/my dir/eng-spa.autogen.bin' | lt-proc -p \"/d/p.bin\"\n");
  ASSERT_EQ(commands.size(), 5u);
  EXPECT_EQ(commands[0], (std::vector<std::string>{"lt-proc", "-z", "/d/eng-spa.automorf.bin"}));
  EXPECT_EQ(commands[1], (std::vector<std::string>{"apertium-tagger", "-z", "-g", "/d/eng-spa.prob"}));
  EXPECT_EQ(commands[2], (std::vector<std::string>{"apertium-pretransfer", "-z"}));
  EXPECT_EQ(commands[3], (std::vector<std::string>{"lt-proc", "-z", "-n", "/d/my dir/eng-spa.autogen.bin"}));
  EXPECT_EQ(commands[4], (std::vector<std::string>{"lt-proc", "-z", "-p", "/d/p.bin"}));
}

TEST(ApertiumModes, RejectsUnknownVariables) {
  EXPECT_THROW(ApertiumModes::parseCommands("lt-proc $HOME/a.bin"), std::runtime_error);
  EXPECT_THROW(ApertiumModes::parseCommands("lt-proc 'a.bin' | "), std::runtime_error);
}

}  // namespace
}  // namespace jb::translation
