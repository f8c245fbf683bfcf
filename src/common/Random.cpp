#include "common/Random.hpp"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace jb::common {

namespace {
void fillRandom(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("RAND_bytes failed");
}
}  // namespace

std::string randomToken(size_t length) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::vector<uint8_t> bytes(length);
  fillRandom(bytes.data(), bytes.size());
  std::string out;
  out.reserve(length);
  // 256 % 62 bias is negligible for identifiers; ICE passwords carry > 128 bits anyway.
  for (uint8_t b : bytes) out.push_back(kAlphabet[b % kAlphabet.size()]);
  return out;
}

uint32_t randomUint32() {
  std::array<uint8_t, 4> b{};
  fillRandom(b.data(), b.size());
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
}

}  // namespace jb::common
