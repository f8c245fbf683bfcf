#pragma once

#include <array>
#include <string_view>

namespace jb::signaling {

// A room passcode chosen by the room's creator. Only a salted SHA-256 digest is kept, never the
// text, and attempts are compared digest to digest in constant time, so neither the content nor the
// length of the passcode leaks through timing.
class Passcode {
 public:
  static constexpr size_t kDigestBytes = 32;

  explicit Passcode(std::string_view plain);

  bool matches(std::string_view attempt) const;
  const std::array<unsigned char, kDigestBytes>& digest() const { return digest_; }

 private:
  std::array<unsigned char, kDigestBytes> digestOf(std::string_view text) const;

  std::array<unsigned char, 16> salt_{};
  std::array<unsigned char, kDigestBytes> digest_{};
};

// CRYPTO_memcmp over equal-length buffers: the time taken does not depend on where they differ.
bool constantTimeEquals(const std::array<unsigned char, Passcode::kDigestBytes>& a,
                        const std::array<unsigned char, Passcode::kDigestBytes>& b);

}  // namespace jb::signaling
