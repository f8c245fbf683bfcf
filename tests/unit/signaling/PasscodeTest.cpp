#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "signaling/Passcode.hpp"

namespace jb::signaling {
namespace {

TEST(Passcode, MatchesOnlyTheExactText) {
  Passcode p("open sesame");
  EXPECT_TRUE(p.matches("open sesame"));
  EXPECT_FALSE(p.matches("open sesamE"));
  EXPECT_FALSE(p.matches("open sesame "));
  EXPECT_FALSE(p.matches("open"));  // a prefix
  EXPECT_FALSE(p.matches(""));
  EXPECT_TRUE(Passcode("Zoë-🔑").matches("Zoë-🔑"));
}

TEST(Passcode, KeepsASaltedDigestAndNeverThePlaintext) {
  const std::string secret = "correct horse battery";
  Passcode a(secret), b(secret);
  // Salted: the same passcode in two rooms gives unrelated digests.
  EXPECT_NE(a.digest(), b.digest());
  // The object holds no copy of the text.
  const auto* bytes = reinterpret_cast<const char*>(&a);
  EXPECT_EQ(std::search(bytes, bytes + sizeof(a), secret.begin(), secret.end()), bytes + sizeof(a));
  EXPECT_TRUE(a.matches(secret));
  EXPECT_TRUE(b.matches(secret));
}

TEST(Passcode, ConstantTimeCompareLooksAtEveryByte) {
  std::array<unsigned char, Passcode::kDigestBytes> x{}, y{};
  EXPECT_TRUE(constantTimeEquals(x, y));
  for (size_t i = 0; i < x.size(); ++i) {
    y = x;
    y[i] ^= 0x01;
    EXPECT_FALSE(constantTimeEquals(x, y)) << "byte " << i;
  }
}

}  // namespace
}  // namespace jb::signaling
