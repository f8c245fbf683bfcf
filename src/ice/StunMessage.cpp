#include "ice/StunMessage.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zlib.h>

#include <algorithm>

namespace jb::ice {
namespace {

// RFC 5389 §18.2 / RFC 8445 §16.1 attribute registry (only the ones we use).
enum AttributeType : uint16_t {
  kUsername = 0x0006,
  kMessageIntegrity = 0x0008,
  kErrorCode = 0x0009,
  kXorMappedAddress = 0x0020,
  kPriority = 0x0024,
  kUseCandidate = 0x0025,
  kSoftware = 0x8022,
  kFingerprint = 0x8028,
  kIceControlled = 0x8029,
  kIceControlling = 0x802A,
};

constexpr size_t kIntegritySize = 20;   // HMAC-SHA1
constexpr size_t kFingerprintSize = 4;  // CRC-32
constexpr uint32_t kFingerprintXor = 0x5354554e;
// RFC 5389 §15.3 / §15.6 / §15.10 limits, applied when serializing so the length fields fit.
constexpr size_t kMaxUsername = 512;
constexpr size_t kMaxReason = 763;
constexpr size_t kMaxSoftware = 763;

uint16_t readU16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}
uint32_t readU32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(b[at]) << 24 | static_cast<uint32_t>(b[at + 1]) << 16 |
         static_cast<uint32_t>(b[at + 2]) << 8 | b[at + 3];
}
uint64_t readU64(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint64_t>(readU32(b, at)) << 32 | readU32(b, at + 4);
}
void writeU16(std::span<uint8_t> b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void appendU16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void appendU32(std::vector<uint8_t>& out, uint32_t v) {
  appendU16(out, static_cast<uint16_t>(v >> 16));
  appendU16(out, static_cast<uint16_t>(v));
}
void appendU64(std::vector<uint8_t>& out, uint64_t v) {
  appendU32(out, static_cast<uint32_t>(v >> 32));
  appendU32(out, static_cast<uint32_t>(v));
}
size_t padded(size_t n) {
  return (n + 3) & ~size_t{3};
}

// RFC 5389 §6: the class bits C1/C0 are interleaved with the 12 method bits.
uint16_t encodeType(uint16_t method, StunMessage::Class cls) {
  const auto c = static_cast<uint16_t>(cls);
  return static_cast<uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
                               ((c & 0x1) << 4) | ((c & 0x2) << 7));
}
uint16_t decodeMethod(uint16_t type) {
  return static_cast<uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
}
StunMessage::Class decodeClass(uint16_t type) {
  return static_cast<StunMessage::Class>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
}

void appendAttribute(std::vector<uint8_t>& out, uint16_t type, std::span<const uint8_t> value) {
  appendU16(out, type);
  appendU16(out, static_cast<uint16_t>(value.size()));
  out.insert(out.end(), value.begin(), value.end());
  out.resize(padded(out.size()), 0);  // RFC 5389 §15: values are padded to a multiple of 4 bytes
}
void appendStringAttribute(std::vector<uint8_t>& out, uint16_t type, std::string_view s, size_t maxSize) {
  s = s.substr(0, std::min(s.size(), maxSize));
  appendAttribute(out, type, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

// The HMAC/CRC covers the message as if it ended right after the attribute being computed:
// the header length field is rewritten to reflect that (RFC 5389 §15.4, §15.5).
std::vector<uint8_t> prefixWithLength(std::span<const uint8_t> raw, size_t attrOffset, size_t attrValueSize) {
  std::vector<uint8_t> prefix(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(attrOffset));
  writeU16(prefix, 2, static_cast<uint16_t>(attrOffset + 4 + attrValueSize - StunMessage::kHeaderSize));
  return prefix;
}

std::array<uint8_t, kIntegritySize> hmacSha1(std::string_view key, std::span<const uint8_t> data) {
  std::array<uint8_t, kIntegritySize> md{};
  unsigned int mdLen = 0;
  static constexpr uint8_t kEmpty = 0;
  const void* keyPtr = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  if (HMAC(EVP_sha1(), keyPtr, static_cast<int>(key.size()), data.data(), data.size(), md.data(), &mdLen) ==
          nullptr ||
      mdLen != md.size()) {
    md.fill(0);
  }
  return md;
}

uint32_t fingerprint(std::span<const uint8_t> data) {
  return static_cast<uint32_t>(crc32(0L, data.data(), static_cast<uInt>(data.size()))) ^ kFingerprintXor;
}

std::optional<boost::asio::ip::udp::endpoint> parseXorAddress(std::span<const uint8_t> v,
                                                              std::span<const uint8_t> header) {
  // RFC 5389 §15.2: family 0x01 (IPv4) or 0x02 (IPv6); port and address XORed with the
  // magic cookie (and the transaction id for IPv6).
  if (v.size() < 4) return std::nullopt;
  const uint16_t port = readU16(v, 2) ^ static_cast<uint16_t>(StunMessage::kMagicCookie >> 16);
  if (v[1] == 0x01 && v.size() == 8) {
    boost::asio::ip::address_v4::bytes_type bytes;
    for (size_t i = 0; i < 4; ++i) bytes[i] = v[4 + i] ^ header[4 + i];
    return boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4(bytes), port);
  }
  if (v[1] == 0x02 && v.size() == 20) {
    boost::asio::ip::address_v6::bytes_type bytes;
    for (size_t i = 0; i < 16; ++i) bytes[i] = v[4 + i] ^ header[4 + i];  // cookie + transaction id
    return boost::asio::ip::udp::endpoint(boost::asio::ip::address_v6(bytes), port);
  }
  return std::nullopt;
}

}  // namespace

bool StunMessage::looksLikeStun(std::span<const uint8_t> b) {
  return b.size() >= kHeaderSize && b[0] <= 3 && readU32(b, 4) == kMagicCookie;
}

std::optional<StunMessage> StunMessage::parse(std::span<const uint8_t> b) {
  if (!looksLikeStun(b)) return std::nullopt;
  const uint16_t type = readU16(b, 0);
  if ((type & 0xC000) != 0) return std::nullopt;  // RFC 5389 §6: two most significant bits are zero
  const size_t length = readU16(b, 2);
  if (length % 4 != 0 || kHeaderSize + length != b.size()) return std::nullopt;

  StunMessage msg;
  msg.class_ = decodeClass(type);
  msg.method_ = decodeMethod(type);
  std::copy_n(b.begin() + 8, msg.transactionId_.size(), msg.transactionId_.begin());

  size_t at = kHeaderSize;
  while (at + 4 <= b.size()) {
    const uint16_t attrType = readU16(b, at);
    const size_t attrLen = readU16(b, at + 2);
    if (at + 4 + padded(attrLen) > b.size()) return std::nullopt;
    const auto value = b.subspan(at + 4, attrLen);
    const auto text = [&] { return std::string(reinterpret_cast<const char*>(value.data()), value.size()); };

    // RFC 5389 §15.4: after MESSAGE-INTEGRITY only FINGERPRINT counts; §15.5: FINGERPRINT is last.
    if (msg.integrityOffset_ && attrType != kFingerprint) {
      at += 4 + padded(attrLen);
      continue;
    }
    switch (attrType) {
      case kUsername:
        msg.username_ = text();
        break;
      case kSoftware:
        msg.software_ = text();
        break;
      case kPriority:
        if (attrLen != 4) return std::nullopt;
        msg.priority_ = readU32(value, 0);
        break;
      case kUseCandidate:
        if (attrLen != 0) return std::nullopt;
        msg.useCandidate_ = true;
        break;
      case kIceControlled:
      case kIceControlling:
        if (attrLen != 8) return std::nullopt;
        (attrType == kIceControlled ? msg.iceControlled_ : msg.iceControlling_) = readU64(value, 0);
        break;
      case kErrorCode:
        // RFC 5389 §15.6: 21 reserved bits, 3-bit class (hundreds), 8-bit number (0..99).
        if (attrLen < 4) return std::nullopt;
        msg.errorCode_ = static_cast<uint16_t>((value[2] & 0x07) * 100 + value[3]);
        msg.errorReason_.assign(reinterpret_cast<const char*>(value.data()) + 4, attrLen - 4);
        break;
      case kXorMappedAddress:
        msg.xorMappedAddress_ = parseXorAddress(value, b);
        if (!msg.xorMappedAddress_) return std::nullopt;
        break;
      case kMessageIntegrity:
        if (attrLen != kIntegritySize) return std::nullopt;
        msg.integrityOffset_ = at;
        break;
      case kFingerprint:
        if (attrLen != kFingerprintSize) return std::nullopt;
        msg.fingerprintOffset_ = at;
        break;
      default:
        // RFC 5389 §7.3: unknown comprehension-optional attributes (>= 0x8000) are ignored.
        if (attrType < 0x8000) msg.unknownRequired_.push_back(attrType);
        break;
    }
    if (attrType == kFingerprint) break;  // anything after FINGERPRINT is ignored
    at += 4 + padded(attrLen);
  }
  msg.raw_.assign(b.begin(), b.end());
  return msg;
}

StunMessage StunMessage::makeRequest(uint16_t method, const TransactionId& id) {
  StunMessage msg;
  msg.class_ = Class::Request;
  msg.method_ = method & 0x0FFF;
  msg.transactionId_ = id;
  return msg;
}

StunMessage StunMessage::makeIndication(uint16_t method, const TransactionId& id) {
  StunMessage msg = makeRequest(method, id);
  msg.class_ = Class::Indication;
  return msg;
}

StunMessage StunMessage::makeSuccessResponse(const StunMessage& request) {
  StunMessage msg = makeRequest(request.method_, request.transactionId_);
  msg.class_ = Class::SuccessResponse;
  return msg;
}

StunMessage StunMessage::makeErrorResponse(const StunMessage& request, uint16_t code, std::string reason) {
  StunMessage msg = makeRequest(request.method_, request.transactionId_);
  msg.class_ = Class::ErrorResponse;
  msg.errorCode_ = code;
  msg.errorReason_ = std::move(reason);
  return msg;
}

StunMessage::IntegrityResult StunMessage::checkMessageIntegrity(std::string_view key) const {
  if (!integrityOffset_) return IntegrityResult::Missing;
  const size_t at = *integrityOffset_;
  const auto expected = hmacSha1(key, prefixWithLength(raw_, at, kIntegritySize));
  return CRYPTO_memcmp(expected.data(), raw_.data() + at + 4, kIntegritySize) == 0
             ? IntegrityResult::Ok
             : IntegrityResult::Mismatch;
}

bool StunMessage::checkFingerprint() const {
  if (!fingerprintOffset_) return false;
  const size_t at = *fingerprintOffset_;
  return fingerprint(prefixWithLength(raw_, at, kFingerprintSize)) == readU32(raw_, at + 4);
}

std::vector<uint8_t> StunMessage::serialize(std::string_view integrityKey, bool addFingerprint) const {
  std::vector<uint8_t> out;
  out.reserve(128);
  appendU16(out, encodeType(method_, class_));
  appendU16(out, 0);  // length, patched below
  appendU32(out, kMagicCookie);
  out.insert(out.end(), transactionId_.begin(), transactionId_.end());

  if (username_) appendStringAttribute(out, kUsername, *username_, kMaxUsername);
  if (errorCode_) {
    const std::string_view reason(errorReason_.data(), std::min(errorReason_.size(), kMaxReason));
    std::vector<uint8_t> value{0, 0, static_cast<uint8_t>((*errorCode_ / 100) & 0x07),
                               static_cast<uint8_t>(*errorCode_ % 100)};
    value.insert(value.end(), reason.begin(), reason.end());
    appendAttribute(out, kErrorCode, value);
  }
  if (xorMappedAddress_) {
    const auto& address = xorMappedAddress_->address();
    const uint16_t xport = xorMappedAddress_->port() ^ static_cast<uint16_t>(kMagicCookie >> 16);
    std::vector<uint8_t> value{0, static_cast<uint8_t>(address.is_v4() ? 0x01 : 0x02),
                               static_cast<uint8_t>(xport >> 8), static_cast<uint8_t>(xport)};
    if (address.is_v4()) {
      const auto bytes = address.to_v4().to_bytes();
      for (size_t i = 0; i < bytes.size(); ++i) value.push_back(bytes[i] ^ out[4 + i]);
    } else {
      const auto bytes = address.to_v6().to_bytes();
      for (size_t i = 0; i < bytes.size(); ++i) value.push_back(bytes[i] ^ out[4 + i]);
    }
    appendAttribute(out, kXorMappedAddress, value);
  }
  if (priority_) {
    std::vector<uint8_t> value;
    appendU32(value, *priority_);
    appendAttribute(out, kPriority, value);
  }
  if (useCandidate_) appendAttribute(out, kUseCandidate, {});
  if (iceControlled_) {
    std::vector<uint8_t> value;
    appendU64(value, *iceControlled_);
    appendAttribute(out, kIceControlled, value);
  }
  if (iceControlling_) {
    std::vector<uint8_t> value;
    appendU64(value, *iceControlling_);
    appendAttribute(out, kIceControlling, value);
  }
  if (software_) appendStringAttribute(out, kSoftware, *software_, kMaxSoftware);

  if (!integrityKey.empty()) {
    const size_t at = out.size();
    const auto mac = hmacSha1(integrityKey, prefixWithLength(out, at, kIntegritySize));
    appendAttribute(out, kMessageIntegrity, mac);
  }
  if (addFingerprint) {
    const size_t at = out.size();
    std::vector<uint8_t> value;
    appendU32(value, fingerprint(prefixWithLength(out, at, kFingerprintSize)));
    appendAttribute(out, kFingerprint, value);
  }
  writeU16(out, 2, static_cast<uint16_t>(out.size() - kHeaderSize));
  return out;
}

}  // namespace jb::ice
