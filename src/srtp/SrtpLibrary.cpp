#include "srtp/SrtpLibrary.hpp"

#include <srtp2/srtp.h>

#include <mutex>
#include <stdexcept>
#include <string>

#include "srtp/OpenSslAesGcm.hpp"

namespace jb::srtp {

void initialiseSrtpLibrary(GcmCipher gcm) {
  // Once only: a second srtp_init() re-runs the kernel's self-tests, and Debian's build then fails.
  static std::once_flag once;
  std::call_once(once, [gcm] {
    if (srtp_err_status_t status = srtp_init(); status != srtp_err_status_ok) {
      throw std::runtime_error("srtp_init failed: error " + std::to_string(status));
    }
    // On refusal libsrtp keeps its own GCM: slower, still correct.
    if (gcm == GcmCipher::OpenSsl) installOpenSslAesGcm();
  });
}

}  // namespace jb::srtp
