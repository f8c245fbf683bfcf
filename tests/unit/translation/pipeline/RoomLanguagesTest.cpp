#include <gtest/gtest.h>

#include "translation/pipeline/RoomLanguages.hpp"

namespace jb::translation {
namespace {

using Languages = std::set<std::string>;

TEST(RoomLanguages, TargetsCollectEveryCaptionLanguageAndOnlyTheVoicedOnes) {
  RoomLanguages rooms;
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "en", .voice = false});
  rooms.setPeer("r1", "bob", "Bob", {.speak = "es", .captions = "es", .voice = true});
  rooms.setPeer("r1", "carla", "Carla", {.speak = "pt", .captions = "pt", .voice = false});
  rooms.setPeer("r1", "dan", "Dan", {.speak = "es", .captions = "es", .voice = false});

  auto targets = rooms.targets("r1");
  EXPECT_EQ(targets.captions, (Languages{"en", "es", "pt"}));
  // One listener wanting Spanish voice is enough, even if another Spanish reader does not.
  EXPECT_EQ(targets.voices, (Languages{"es"}));
}

TEST(RoomLanguages, PeerWithoutCaptionLanguageAddsNoTarget) {
  RoomLanguages rooms;
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "", .voice = true});
  auto targets = rooms.targets("r1");
  EXPECT_TRUE(targets.captions.empty());
  EXPECT_TRUE(targets.voices.empty());
  ASSERT_TRUE(rooms.speaker("r1", "alice"));
  EXPECT_EQ(rooms.speaker("r1", "alice")->language, "en");
}

TEST(RoomLanguages, RoomsAreIndependent) {
  RoomLanguages rooms;
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "fr", .voice = true});
  rooms.setPeer("r2", "bob", "Bob", {.speak = "es", .captions = "de", .voice = false});
  EXPECT_EQ(rooms.targets("r1").captions, (Languages{"fr"}));
  EXPECT_EQ(rooms.targets("r2").captions, (Languages{"de"}));
  EXPECT_FALSE(rooms.speaker("r1", "bob"));
  EXPECT_TRUE(rooms.targets("nowhere").captions.empty());
}

TEST(RoomLanguages, SpeakerReportsLanguageAndDisplayName) {
  RoomLanguages rooms;
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "es", .voice = false});
  auto speaker = rooms.speaker("r1", "alice");
  ASSERT_TRUE(speaker);
  EXPECT_EQ(speaker->language, "en");
  EXPECT_EQ(speaker->displayName, "Alice");
  EXPECT_FALSE(rooms.speaker("r1", "nobody"));
}

TEST(RoomLanguages, SettingAPeerAgainReplacesItsChoices) {
  RoomLanguages rooms;
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "es", .voice = true});
  rooms.setPeer("r1", "alice", "Alice B.", {.speak = "fr", .captions = "de", .voice = false});
  auto targets = rooms.targets("r1");
  EXPECT_EQ(targets.captions, (Languages{"de"}));
  EXPECT_TRUE(targets.voices.empty());
  EXPECT_EQ(rooms.speaker("r1", "alice")->language, "fr");
  EXPECT_EQ(rooms.speaker("r1", "alice")->displayName, "Alice B.");
}

TEST(RoomLanguages, RemovingAPeerDropsItsLanguages) {
  RoomLanguages rooms;
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "en", .voice = false});
  rooms.setPeer("r1", "bob", "Bob", {.speak = "es", .captions = "es", .voice = true});
  rooms.removePeer("r1", "bob");
  auto targets = rooms.targets("r1");
  EXPECT_EQ(targets.captions, (Languages{"en"}));
  EXPECT_TRUE(targets.voices.empty());
  EXPECT_FALSE(rooms.speaker("r1", "bob"));
  EXPECT_TRUE(rooms.speaker("r1", "alice"));
}

TEST(RoomLanguages, RemovingTheLastPeerForgetsTheRoom) {
  RoomLanguages rooms;
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "es", .voice = true});
  rooms.removePeer("r1", "alice");
  EXPECT_FALSE(rooms.speaker("r1", "alice"));
  EXPECT_TRUE(rooms.targets("r1").captions.empty());
  EXPECT_TRUE(rooms.targets("r1").voices.empty());

  // A room of the same name later starts from nothing.
  rooms.setPeer("r1", "bob", "Bob", {.speak = "de", .captions = "de", .voice = false});
  EXPECT_EQ(rooms.targets("r1").captions, (Languages{"de"}));
  EXPECT_TRUE(rooms.targets("r1").voices.empty());
}

TEST(RoomLanguages, RemovingUnknownPeersOrRoomsIsHarmless) {
  RoomLanguages rooms;
  rooms.removePeer("nowhere", "nobody");
  rooms.setPeer("r1", "alice", "Alice", {.speak = "en", .captions = "es", .voice = true});
  rooms.removePeer("r1", "nobody");
  EXPECT_EQ(rooms.targets("r1").captions, (Languages{"es"}));
}

}  // namespace
}  // namespace jb::translation
