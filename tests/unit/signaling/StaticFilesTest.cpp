#include <gtest/gtest.h>

#include <fstream>

#include "signaling/StaticFiles.hpp"

namespace jb::signaling {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("jb-static-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<html></html>";
    std::ofstream(root_ / "assets" / "app-1234.js") << "console.log(1)";
    std::ofstream(root_.parent_path() / "secret.txt") << "secret";
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesAssetsWithTypeAndLongCache) {
  auto file = StaticFiles(root_).resolve("/assets/app-1234.js?v=1");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->path.filename(), "app-1234.js");
  EXPECT_EQ(file->contentType, "text/javascript; charset=utf-8");
  EXPECT_TRUE(file->immutable);
}

TEST_F(StaticFilesTest, RoomLinksFallBackToIndex) {
  auto file = StaticFiles(root_).resolve("/r/abc-defg-hij");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->path.filename(), "index.html");
  EXPECT_FALSE(file->immutable);
}

TEST_F(StaticFilesTest, NeverEscapesTheRoot) {
  StaticFiles files(root_);
  EXPECT_FALSE(files.resolve("/../secret.txt"));
  EXPECT_FALSE(files.resolve("/assets/../../secret.txt"));
  EXPECT_FALSE(files.resolve("relative"));
}

}  // namespace
}  // namespace jb::signaling
