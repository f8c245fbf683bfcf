#include "dtls/RecordFilter.hpp"

namespace jb::dtls {

namespace {

// RFC 6347 §4.1: type(1) version(2) epoch(2) sequence_number(6) length(2).
constexpr size_t kHeaderLength = 13;

size_t readU16(const uint8_t* p) {
  return static_cast<size_t>(p[0]) << 8 | p[1];
}

}  // namespace

bool removeShortProtectedRecords(std::span<const uint8_t> datagram, size_t minProtectedLength,
                                 std::vector<uint8_t>& out) {
  bool anyShort = false;
  for (size_t offset = 0; offset < datagram.size();) {
    if (datagram.size() - offset < kHeaderLength) return false;
    const size_t length = readU16(&datagram[offset + 11]);
    if (datagram.size() - offset - kHeaderLength < length) return false;
    if (readU16(&datagram[offset + 3]) != 0 && length < minProtectedLength) anyShort = true;
    offset += kHeaderLength + length;
  }
  if (!anyShort) return false;

  out.clear();
  for (size_t offset = 0; offset < datagram.size();) {
    const size_t length = readU16(&datagram[offset + 11]);
    const bool keep = readU16(&datagram[offset + 3]) == 0 || length >= minProtectedLength;
    if (keep)
      out.insert(out.end(), datagram.begin() + offset, datagram.begin() + offset + kHeaderLength + length);
    offset += kHeaderLength + length;
  }
  return true;
}

}  // namespace jb::dtls
