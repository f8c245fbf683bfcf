#include "srtp/Profile.hpp"

namespace jb::srtp {

size_t keyLength(Profile /*profile*/) {
  return 16;
}

size_t saltLength(Profile profile) {
  switch (profile) {
    case Profile::AesCm128HmacSha1_80:
      return 14;
    case Profile::AeadAes128Gcm:
      return 12;
  }
  return 0;
}

}  // namespace jb::srtp
