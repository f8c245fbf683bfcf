#pragma once

#include <cstdint>
#include <vector>

#include "srtp/Profile.hpp"

namespace jb::dtls {

// SRTP keys exported from a finished DTLS handshake (RFC 5764 §4.2). Each vector is master key
// followed by master salt, ready for jb::srtp::SrtpSession: local protects what we send (Outbound),
// remote unprotects what we receive (Inbound).
struct SrtpKeyMaterial {
  srtp::Profile profile;
  std::vector<uint8_t> localMasterKeyAndSalt;
  std::vector<uint8_t> remoteMasterKeyAndSalt;
};

}  // namespace jb::dtls
