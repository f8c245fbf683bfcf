#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jb::signaling {

// Which web pages may open a signaling WebSocket (cross-site WebSocket hijacking defence). Browsers
// always send Origin on a WebSocket upgrade (RFC 6455 §4.1); other clients usually send none.
// Allowed: no Origin header, the same origin as the Host header, or an origin on the allow-list
// ("*" allows any).
class OriginPolicy {
 public:
  explicit OriginPolicy(std::vector<std::string> allowedOrigins = {});

  // `origin` empty when the request had no Origin header.
  bool allows(std::string_view origin, std::string_view host) const;

 private:
  std::vector<std::string> allowed_;  // normalised: lower case, no trailing slash
  bool allowAny_ = false;
};

}  // namespace jb::signaling
