#include <gtest/gtest.h>

#include "dtls/RecordFilter.hpp"

namespace jb::dtls {
namespace {

std::vector<uint8_t> record(uint8_t type, uint16_t epoch, size_t length) {
  // Sized once: growing a vector built from a short initializer list trips GCC 12's -Warray-bounds at -O3.
  std::vector<uint8_t> r(13 + length, 0x33);
  const uint8_t header[] = {
      type, 254, 253, static_cast<uint8_t>(epoch >> 8),  static_cast<uint8_t>(epoch), 0, 0, 0,
      0,    0,   1,   static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
  std::copy(std::begin(header), std::end(header), r.begin());
  return r;
}

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(RecordFilter, KeepsDatagramWhenEveryProtectedRecordIsLongEnough) {
  std::vector<uint8_t> out;
  auto datagram = concat({record(22, 0, 5), record(23, 1, 24)});
  EXPECT_FALSE(removeShortProtectedRecords(datagram, 24, out));
}

TEST(RecordFilter, KeepsShortPlaintextEpochZeroRecords) {
  std::vector<uint8_t> out;
  EXPECT_FALSE(removeShortProtectedRecords(record(21, 0, 2), 24, out));
}

TEST(RecordFilter, RemovesOnlyTheShortProtectedRecord) {
  std::vector<uint8_t> out;
  auto good = record(22, 1, 40);
  auto datagram = concat({record(23, 1, 4), good});
  ASSERT_TRUE(removeShortProtectedRecords(datagram, 24, out));
  EXPECT_EQ(out, good);
}

TEST(RecordFilter, LeavesMalformedDatagramsToOpenSsl) {
  std::vector<uint8_t> out;
  auto truncated = record(23, 1, 4);
  truncated.pop_back();
  EXPECT_FALSE(removeShortProtectedRecords(truncated, 24, out));
  const std::vector<uint8_t> tiny = {23, 254};
  EXPECT_FALSE(removeShortProtectedRecords(tiny, 24, out));
}

}  // namespace
}  // namespace jb::dtls
