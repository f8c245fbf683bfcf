#include "signaling/OriginPolicy.hpp"

#include <algorithm>
#include <cctype>

namespace jb::signaling {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string normalise(std::string_view origin) {
  std::string out = lower(origin);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

// "host[:port]" with the scheme's default port made explicit; IPv6 literals keep their brackets.
std::string authorityWithPort(std::string_view authority, std::string_view defaultPort) {
  std::string a = lower(authority);
  size_t bracket = a.rfind(']');
  size_t colon = a.rfind(':');
  bool hasPort = colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
  if (!hasPort) a.append(":").append(defaultPort);
  return a;
}

}  // namespace

OriginPolicy::OriginPolicy(std::vector<std::string> allowedOrigins) {
  for (const auto& o : allowedOrigins) {
    if (o == "*")
      allowAny_ = true;
    else
      allowed_.push_back(normalise(o));
  }
}

bool OriginPolicy::allows(std::string_view origin, std::string_view host) const {
  if (origin.empty()) return true;  // not a browser: Origin protects browsers' users, not servers
  if (allowAny_) return true;
  const std::string o = normalise(origin);
  if (std::find(allowed_.begin(), allowed_.end(), o) != allowed_.end()) return true;
  // Same origin: the page was served by us under the name the browser used to reach us.
  std::string_view rest = o;
  std::string_view defaultPort;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
    defaultPort = "80";
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
    defaultPort = "443";
  } else {
    return false;  // "null" (sandboxed frames, file://) and other schemes
  }
  if (rest.empty() || rest.find('/') != std::string_view::npos || host.empty()) return false;
  return authorityWithPort(rest, defaultPort) == authorityWithPort(host, defaultPort);
}

}  // namespace jb::signaling
