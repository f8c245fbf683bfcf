#include "signaling/Passcode.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace jb::signaling {

Passcode::Passcode(std::string_view plain) {
  if (RAND_bytes(salt_.data(), static_cast<int>(salt_.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  digest_ = digestOf(plain);
}

std::array<unsigned char, Passcode::kDigestBytes> Passcode::digestOf(std::string_view text) const {
  std::array<unsigned char, kDigestBytes> out{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned int length = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), salt_.data(), salt_.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), text.data(), text.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &length) != 1 || length != out.size())
    throw std::runtime_error("SHA-256 failed");
  return out;
}

bool Passcode::matches(std::string_view attempt) const {
  return constantTimeEquals(digestOf(attempt), digest_);
}

bool constantTimeEquals(const std::array<unsigned char, Passcode::kDigestBytes>& a,
                        const std::array<unsigned char, Passcode::kDigestBytes>& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace jb::signaling
