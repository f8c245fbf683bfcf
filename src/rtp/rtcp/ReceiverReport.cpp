#include "rtp/rtcp/ReceiverReport.hpp"

#include <algorithm>

#include "rtp/ByteOrder.hpp"
#include "rtp/rtcp/CommonHeader.hpp"

namespace jb::rtp::rtcp {

std::optional<ReceiverReport> parseReceiverReport(uint8_t count, std::span<const uint8_t> body) {
  if (body.size() < 4 + count * kReportBlockSize) return std::nullopt;
  ReceiverReport rr;
  rr.ssrc = readU32(body, 0);
  rr.reports.reserve(count);
  for (size_t i = 0; i < count; ++i)
    rr.reports.push_back(parseReportBlock(body.subspan(4 + i * kReportBlockSize)));
  return rr;
}

void serialize(const ReceiverReport& rr, std::vector<uint8_t>& out) {
  const size_t count = std::min(rr.reports.size(), kMaxCount);
  const size_t start = beginPacket(out, static_cast<uint8_t>(count), kReceiverReportType);
  appendU32(out, rr.ssrc);
  for (size_t i = 0; i < count; ++i) serialize(rr.reports[i], out);
  finishPacket(out, start);
}

}  // namespace jb::rtp::rtcp
