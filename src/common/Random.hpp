#pragma once

#include <cstdint>
#include <string>

namespace jb::common {

// Cryptographically strong randomness (OpenSSL RAND_bytes): ICE credentials and ids must not be guessable.
std::string randomToken(size_t length);  // [A-Za-z0-9]
uint32_t randomUint32();

}  // namespace jb::common
