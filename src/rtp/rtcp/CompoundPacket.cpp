#include "rtp/rtcp/CompoundPacket.hpp"

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {
namespace {

// Wraps a per-kind parse result into the variant; nullopt stays nullopt.
template <typename T>
std::optional<Packet> wrap(std::optional<T> parsed) {
  if (!parsed) return std::nullopt;
  return Packet{std::move(*parsed)};
}

std::optional<Packet> parseOne(uint8_t packetType, uint8_t count, std::span<const uint8_t> body) {
  switch (packetType) {
    case kSenderReportType:
      return wrap(parseSenderReport(count, body));
    case kReceiverReportType:
      return wrap(parseReceiverReport(count, body));
    case kSdesType:
      return wrap(parseSdes(count, body));
    case kByeType:
      return wrap(parseBye(count, body));
    case kRtpfbType:
      if (count == Nack::kFmt) return wrap(parseNack(body));
      // A transport-cc body we cannot read stays an Unknown packet: it does not spoil the compound.
      if (count == TransportFeedback::kFmt)
        if (auto fb = parseTransportFeedback(body)) return Packet{std::move(*fb)};
      break;
    case kPsfbType:
      if (count == Pli::kFmt) return wrap(parsePli(body));
      if (count == Fir::kFmt) return wrap(parseFir(body));
      if (count == Remb::kFmt && isRemb(body)) return wrap(parseRemb(body));
      break;
    default:
      break;
  }
  return Packet{Unknown{.packetType = packetType, .fmt = count, .bytes = {body.begin(), body.end()}}};
}

}  // namespace

void serialize(const Packet& packet, std::vector<uint8_t>& out) {
  std::visit([&out](const auto& p) { serialize(p, out); }, packet);
}

std::optional<std::vector<Packet>> parseCompound(std::span<const uint8_t> bytes) {
  if (bytes.empty()) return std::nullopt;
  std::vector<Packet> packets;
  size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < kCommonHeaderSize) return std::nullopt;
    const uint8_t first = bytes[at];
    if ((first >> 6) != 2) return std::nullopt;  // RFC 3550 §6.4.1: version 2
    const size_t size = 4 * (static_cast<size_t>(readU16(bytes, at + 2)) + 1);
    if (size > bytes.size() - at) return std::nullopt;
    const auto whole = bytes.subspan(at, size);
    auto body = whole.subspan(kCommonHeaderSize);
    if ((first & 0x20) != 0) {
      // RFC 3550 §6.4.1: the last octet counts the padding, itself included.
      const size_t padding = whole.back();
      if (padding == 0 || padding > body.size()) return std::nullopt;
      body = body.first(body.size() - padding);
    }
    auto packet = parseOne(whole[1], first & 0x1f, body);
    if (!packet) return std::nullopt;
    packets.push_back(std::move(*packet));
    at += size;
  }
  return packets;
}

std::vector<uint8_t> serializeCompound(const std::vector<Packet>& packets) {
  std::vector<uint8_t> out;
  out.reserve(packets.size() * 32);
  for (const auto& packet : packets) serialize(packet, out);
  return out;
}

}  // namespace jb::rtp::rtcp
