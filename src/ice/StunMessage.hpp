#pragma once

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jb::ice {

using TransactionId = std::array<uint8_t, 12>;

// A STUN message (RFC 5389 / RFC 8489) carrying the attributes ICE (RFC 8445 §7) uses.
// Parsed messages keep a copy of their raw bytes so MESSAGE-INTEGRITY and FINGERPRINT can be
// verified after parsing; built messages have no raw bytes until serialize().
class StunMessage {
 public:
  enum class Class : uint8_t { Request, Indication, SuccessResponse, ErrorResponse };
  enum class IntegrityResult { Ok, Missing, Mismatch };

  static constexpr uint16_t kBinding = 0x0001;
  static constexpr uint32_t kMagicCookie = 0x2112A442;
  static constexpr size_t kHeaderSize = 20;

  // RFC 7983 §7: first byte 0..3, plus RFC 5389 §6 magic cookie.
  static bool looksLikeStun(std::span<const uint8_t> b);
  // nullopt on malformed input; never throws.
  static std::optional<StunMessage> parse(std::span<const uint8_t> b);

  static StunMessage makeRequest(uint16_t method, const TransactionId& id);
  static StunMessage makeIndication(uint16_t method, const TransactionId& id);
  static StunMessage makeSuccessResponse(const StunMessage& request);
  static StunMessage makeErrorResponse(const StunMessage& request, uint16_t code, std::string reason);

  Class messageClass() const { return class_; }
  uint16_t method() const { return method_; }
  const TransactionId& transactionId() const { return transactionId_; }

  const std::optional<std::string>& username() const { return username_; }
  void setUsername(std::string username) { username_ = std::move(username); }
  const std::optional<std::string>& software() const { return software_; }
  void setSoftware(std::string software) { software_ = std::move(software); }
  std::optional<uint32_t> priority() const { return priority_; }
  void setPriority(uint32_t priority) { priority_ = priority; }
  bool useCandidate() const { return useCandidate_; }
  void setUseCandidate(bool useCandidate) { useCandidate_ = useCandidate; }
  std::optional<uint64_t> iceControlling() const { return iceControlling_; }
  void setIceControlling(uint64_t tieBreaker) { iceControlling_ = tieBreaker; }
  std::optional<uint64_t> iceControlled() const { return iceControlled_; }
  void setIceControlled(uint64_t tieBreaker) { iceControlled_ = tieBreaker; }
  std::optional<uint16_t> errorCode() const { return errorCode_; }
  const std::string& errorReason() const { return errorReason_; }
  std::optional<boost::asio::ip::udp::endpoint> xorMappedAddress() const { return xorMappedAddress_; }
  void setXorMappedAddress(const boost::asio::ip::udp::endpoint& endpoint) { xorMappedAddress_ = endpoint; }
  // Comprehension-required attribute types (< 0x8000) we did not understand: a request carrying
  // any must be answered with 420 (RFC 5389 §7.3.1).
  const std::vector<uint16_t>& unknownRequiredAttributes() const { return unknownRequired_; }

  bool hasMessageIntegrity() const { return integrityOffset_.has_value(); }
  bool hasFingerprint() const { return fingerprintOffset_.has_value(); }
  // RFC 5389 §15.4: HMAC-SHA1 keyed with the short-term password (RFC 8445 §7.2.2).
  IntegrityResult checkMessageIntegrity(std::string_view key) const;
  // RFC 5389 §15.5: CRC-32 XOR 0x5354554e.
  bool checkFingerprint() const;

  // Empty integrityKey: no MESSAGE-INTEGRITY.
  std::vector<uint8_t> serialize(std::string_view integrityKey, bool addFingerprint) const;

 private:
  StunMessage() = default;

  Class class_{Class::Request};
  uint16_t method_{0};
  TransactionId transactionId_{};
  std::optional<std::string> username_;
  std::optional<std::string> software_;
  std::optional<uint32_t> priority_;
  bool useCandidate_{false};
  std::optional<uint64_t> iceControlling_;
  std::optional<uint64_t> iceControlled_;
  std::optional<uint16_t> errorCode_;
  std::string errorReason_;
  std::optional<boost::asio::ip::udp::endpoint> xorMappedAddress_;
  std::vector<uint16_t> unknownRequired_;

  std::vector<uint8_t> raw_;
  std::optional<size_t> integrityOffset_;    // offset of the MESSAGE-INTEGRITY attribute header in raw_
  std::optional<size_t> fingerprintOffset_;  // offset of the FINGERPRINT attribute header in raw_
};

}  // namespace jb::ice
