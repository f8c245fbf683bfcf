#include "rtp/rtcp/SenderReport.hpp"

#include <algorithm>

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {
namespace {
constexpr size_t kSenderInfoSize = 24;  // SSRC + NTP (8) + RTP ts + packet count + octet count
}

std::optional<SenderReport> parseSenderReport(uint8_t count, std::span<const uint8_t> body) {
  if (body.size() < kSenderInfoSize + count * kReportBlockSize) return std::nullopt;
  SenderReport sr;
  sr.ssrc = readU32(body, 0);
  sr.ntpSeconds = readU32(body, 4);
  sr.ntpFraction = readU32(body, 8);
  sr.rtpTimestamp = readU32(body, 12);
  sr.packetCount = readU32(body, 16);
  sr.octetCount = readU32(body, 20);
  sr.reports.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    sr.reports.push_back(parseReportBlock(body.subspan(kSenderInfoSize + i * kReportBlockSize)));
  }
  return sr;
}

void serialize(const SenderReport& sr, std::vector<uint8_t>& out) {
  const size_t count = std::min(sr.reports.size(), kMaxCount);
  const size_t start = beginPacket(out, static_cast<uint8_t>(count), kSenderReportType);
  appendU32(out, sr.ssrc);
  appendU32(out, sr.ntpSeconds);
  appendU32(out, sr.ntpFraction);
  appendU32(out, sr.rtpTimestamp);
  appendU32(out, sr.packetCount);
  appendU32(out, sr.octetCount);
  for (size_t i = 0; i < count; ++i) serialize(sr.reports[i], out);
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
