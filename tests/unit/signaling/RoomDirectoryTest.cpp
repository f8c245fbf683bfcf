#include <gtest/gtest.h>

#include "dtls/Certificate.hpp"
#include "signaling/RoomDirectory.hpp"

namespace jb::signaling {
namespace {

class RoomDirectoryTest : public ::testing::Test {
 protected:
  RoomDirectoryTest()
      : certificate_(dtls::Certificate::generate()),
        w0_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, certificate_),
        w1_(1, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, certificate_),
        directory_({&w0_, &w1_}) {}

  std::shared_ptr<const dtls::Certificate> certificate_;
  sfu::Worker w0_;
  sfu::Worker w1_;
  RoomDirectory directory_;
};

TEST_F(RoomDirectoryTest, NewRoomsGoToTheLeastLoadedWorker) {
  auto a = directory_.joinRoom("a");
  auto b = directory_.joinRoom("b");
  EXPECT_NE(&a->worker(), &b->worker()) << "two empty workers: the second room takes the other one";
  EXPECT_EQ(directory_.joinRoom("a"), a) << "the same id is the same room";
}

TEST_F(RoomDirectoryTest, ForgetsRoomOnlyWhenEmpty) {
  auto room = directory_.joinRoom("a");
  EXPECT_EQ(directory_.roomCount(), 1u);
  directory_.releaseIfEmpty(room);
  EXPECT_EQ(directory_.roomCount(), 0u);
  EXPECT_NE(directory_.joinRoom("a"), room) << "a released room id starts afresh";
}

}  // namespace
}  // namespace jb::signaling
