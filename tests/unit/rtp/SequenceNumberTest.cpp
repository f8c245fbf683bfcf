#include <gtest/gtest.h>

#include "rtp/SequenceNumber.hpp"

namespace jb::rtp {
namespace {

TEST(SequenceNumber, ComparesAcrossWrapAround) {
  EXPECT_TRUE(seqNewerThan(1, 0));
  EXPECT_FALSE(seqNewerThan(0, 1));
  EXPECT_TRUE(seqNewerThan(0, 65535));
  EXPECT_TRUE(seqNewerThan(5, 65530));
  EXPECT_FALSE(seqNewerThan(65530, 5));
  EXPECT_TRUE(seqOlderThan(65530, 5));
}

TEST(SequenceNumber, EqualIsNeitherNewerNorOlder) {
  EXPECT_FALSE(seqNewerThan(42, 42));
  EXPECT_FALSE(seqOlderThan(42, 42));
}

TEST(SequenceNumber, HalfwayCaseIsAntisymmetric) {
  EXPECT_NE(seqNewerThan(0x8000, 0), seqNewerThan(0, 0x8000));
  EXPECT_NE(timestampNewerThan(0x80000000u, 0), timestampNewerThan(0, 0x80000000u));
}

TEST(SequenceNumber, ComparesTimestampsAcrossWrapAround) {
  EXPECT_TRUE(timestampNewerThan(10, 0xFFFFFFF0u));
  EXPECT_FALSE(timestampNewerThan(0xFFFFFFF0u, 10));
}

}  // namespace
}  // namespace jb::rtp
