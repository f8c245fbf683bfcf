#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace jb::signaling {

// What a join token lets its holder do in the room (docs/protocol.md "Join tokens").
struct JoinPermissions {
  bool publish = true;
  bool subscribe = true;
  bool chat = true;
};

// The claims of a join token: a JWT (RFC 7519) signed with HS256 (RFC 7518 §3.2).
struct JoinClaims {
  std::string roomId;                                 // "room"
  std::string userId;                                 // "sub"
  std::string displayName;                            // "name"; empty: the client chooses its own
  std::chrono::sys_seconds expiresAt{};               // "exp"
  std::optional<std::chrono::sys_seconds> notBefore;  // "nbf"
  JoinPermissions permissions;                        // "permissions": {publish, subscribe, chat}
};

// The operator's HMAC key. Only the HS256 subset of JWT is implemented: one algorithm, pinned, so
// "alg":"none" and algorithm confusion cannot happen.
class JoinTokenKey {
 public:
  static constexpr size_t kMinSecretBytes = 32;  // RFC 7518 §3.2: key at least as long as the hash
  static constexpr size_t kMaxTokenBytes = 4096;
  static constexpr std::chrono::seconds kClockLeeway{30};

  // Throws std::invalid_argument for a secret shorter than kMinSecretBytes.
  explicit JoinTokenKey(std::string secret);
  ~JoinTokenKey();
  JoinTokenKey(const JoinTokenKey&) = delete;
  JoinTokenKey& operator=(const JoinTokenKey&) = delete;

  std::string mint(const JoinClaims& claims, std::chrono::sys_seconds issuedAt) const;

  // Checks the form, the algorithm, the signature (in constant time), the time window (with
  // kClockLeeway) and that the token is for `roomId`. Throws common::RequestError with code
  // "token_expired" or "token_invalid" (the message says why).
  JoinClaims verify(std::string_view token, std::string_view roomId, std::chrono::sys_seconds now) const;

 private:
  std::string sign(std::string_view signingInput) const;  // raw 32-byte HMAC-SHA256

  std::string secret_;
};

// RFC 4648 §5 without padding, as JWS uses it (RFC 7515 §2).
std::string base64UrlEncode(std::string_view bytes);
// nullopt unless `text` is canonical unpadded base64url.
std::optional<std::string> base64UrlDecode(std::string_view text);

}  // namespace jb::signaling
