#include "signaling/JoinToken.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "common/RequestError.hpp"

namespace jb::signaling {

using common::RequestError;
using nlohmann::json;
using std::chrono::sys_seconds;

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kMaxUserIdLength = 128;
constexpr size_t kMaxDisplayNameLength = 64;  // as join's displayName

int valueOf(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

[[noreturn]] void invalid(const std::string& why) {
  throw RequestError("token_invalid", "join token " + why);
}

size_t codePoints(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// A NumericDate (RFC 7519 §2): seconds since the epoch, possibly fractional.
std::optional<sys_seconds> numericDate(const json& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (!it->is_number()) invalid(std::string("claim '") + name + "' is not a number");
  const double value = it->get<double>();
  if (!std::isfinite(value) || std::abs(value) > 1e11)
    invalid(std::string("claim '") + name + "' is out of range");
  return sys_seconds(std::chrono::seconds(static_cast<int64_t>(std::floor(value))));
}

json parseObject(std::string_view segment, const char* what) {
  auto decoded = base64UrlDecode(segment);
  if (!decoded) invalid(std::string("has a malformed ") + what + " (not base64url)");
  json value = json::parse(*decoded, nullptr, false);
  if (value.is_discarded() || !value.is_object())
    invalid(std::string("has a malformed ") + what + " (not a JSON object)");
  return value;
}

}  // namespace

std::string base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  if (bytes.size() - i == 1) {
    const uint32_t n = uint8_t(bytes[i]) << 16;
    for (int shift : {18, 12}) out.push_back(kAlphabet[(n >> shift) & 63]);
  } else if (bytes.size() - i == 2) {
    const uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    for (int shift : {18, 12, 6}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  return out;
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = valueOf(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Canonical form only: the bits left over in the last character must be zero, so one token has
  // exactly one spelling.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

JoinTokenKey::JoinTokenKey(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < kMinSecretBytes) {
    OPENSSL_cleanse(secret_.data(), secret_.size());
    throw std::invalid_argument("the join token secret must be at least " + std::to_string(kMinSecretBytes) +
                                " bytes (got " + std::to_string(secret_.size()) + ")");
  }
}

JoinTokenKey::~JoinTokenKey() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

std::string JoinTokenKey::sign(std::string_view signingInput) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
            reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size(), mac, &length) ||
      length != 32)
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string JoinTokenKey::mint(const JoinClaims& claims, sys_seconds issuedAt) const {
  json payload = {{"room", claims.roomId},
                  {"sub", claims.userId},
                  {"iat", issuedAt.time_since_epoch().count()},
                  {"exp", claims.expiresAt.time_since_epoch().count()},
                  {"permissions",
                   {{"publish", claims.permissions.publish},
                    {"subscribe", claims.permissions.subscribe},
                    {"chat", claims.permissions.chat}}}};
  if (!claims.displayName.empty()) payload["name"] = claims.displayName;
  if (claims.notBefore) payload["nbf"] = claims.notBefore->time_since_epoch().count();
  const std::string input =
      base64UrlEncode(json{{"alg", "HS256"}, {"typ", "JWT"}}.dump()) + "." + base64UrlEncode(payload.dump());
  return input + "." + base64UrlEncode(sign(input));
}

JoinClaims JoinTokenKey::verify(std::string_view token, std::string_view roomId, sys_seconds now) const {
  if (token.size() > kMaxTokenBytes) invalid("is too long");
  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
    invalid("is malformed (expected header.payload.signature)");

  // RFC 8725 §3.1: the algorithm is ours to choose, never the token's. Anything else, "none"
  // included, is refused before the signature is looked at.
  const json header = parseObject(token.substr(0, dot1), "header");
  if (header.value("alg", json()) != "HS256") invalid("uses an unsupported algorithm (only HS256)");
  if (header.contains("crit")) invalid("has critical header parameters this server does not understand");

  auto signature = base64UrlDecode(token.substr(dot2 + 1));
  const std::string expected = sign(token.substr(0, dot2));
  if (!signature || signature->size() != expected.size() ||
      CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
    invalid("has a bad signature");

  const json payload = parseObject(token.substr(dot1 + 1, dot2 - dot1 - 1), "payload");
  JoinClaims claims;
  auto expiresAt = numericDate(payload, "exp");
  if (!expiresAt) invalid("has no expiry ('exp')");
  claims.expiresAt = *expiresAt;
  claims.notBefore = numericDate(payload, "nbf");
  if (now > claims.expiresAt + kClockLeeway) throw RequestError("token_expired", "join token has expired");
  if (claims.notBefore && now + kClockLeeway < *claims.notBefore) invalid("is not valid yet ('nbf')");

  auto room = payload.find("room");
  if (room == payload.end() || !room->is_string()) invalid("names no room");
  if (*room != roomId) invalid("is for another room");
  claims.roomId = *room;

  auto sub = payload.find("sub");
  if (sub == payload.end() || !sub->is_string() || sub->get_ref<const std::string&>().empty() ||
      sub->get_ref<const std::string&>().size() > kMaxUserIdLength)
    invalid("has no valid user id ('sub')");
  claims.userId = *sub;

  if (auto name = payload.find("name"); name != payload.end()) {
    if (!name->is_string() || name->get_ref<const std::string&>().empty() ||
        codePoints(name->get_ref<const std::string&>()) > kMaxDisplayNameLength)
      invalid("has an invalid 'name'");
    claims.displayName = *name;
  }

  // Missing permissions grant nothing: a token must say what it allows.
  auto permissions = payload.find("permissions");
  if (permissions == payload.end() || !permissions->is_object()) invalid("has no 'permissions' object");
  auto flag = [&](const char* name) {
    auto it = permissions->find(name);
    if (it == permissions->end()) return false;
    if (!it->is_boolean()) invalid(std::string("permission '") + name + "' is not a boolean");
    return it->get<bool>();
  };
  claims.permissions = {flag("publish"), flag("subscribe"), flag("chat")};
  return claims;
}

}  // namespace jb::signaling
