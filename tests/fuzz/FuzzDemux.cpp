// libFuzzer target: one UDP datagram through the media port's demultiplexer, the way
// sfu::Worker::handleDatagram and WebRtcTransport route it: RFC 7983 classification, then the
// parser for that kind (STUN, the DTLS record filter, RTP or compound RTCP).

#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "common/PacketKind.hpp"
#include "dtls/RecordFilter.hpp"
#include "ice/StunMessage.hpp"
#include "rtp/Demux.hpp"
#include "rtp/RtpPacket.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"

namespace {

void routeDtls(std::span<const uint8_t> datagram) {
  // DtlsTransport filters with 24 (AES-GCM) or 16 (ChaCha20-Poly1305); 0 keeps every record.
  for (const size_t minProtectedLength : {size_t{0}, size_t{16}, size_t{24}}) {
    std::vector<uint8_t> filtered;
    if (!jb::dtls::removeShortProtectedRecords(datagram, minProtectedLength, filtered)) continue;
    // Only whole records are removed, so the result is shorter and filters to itself.
    if (filtered.size() >= datagram.size()) std::abort();
    std::vector<uint8_t> again;
    if (jb::dtls::removeShortProtectedRecords(filtered, minProtectedLength, again)) std::abort();
  }
}

void routeRtpOrRtcp(std::span<const uint8_t> datagram) {
  // After SRTP unprotect (not fuzzed: it authenticates first) WebRtcTransport::receiveSrtp splits
  // RTCP from RTP by RFC 5761 §4 and hands the bytes to the matching parser.
  if (jb::rtp::looksLikeRtcp(datagram)) {
    if (const auto packets = jb::rtp::rtcp::parseCompound(datagram)) {
      if (!jb::rtp::rtcp::parseCompound(jb::rtp::rtcp::serializeCompound(*packets))) std::abort();
    }
    return;
  }
  std::vector<uint8_t> buffer(datagram.begin(), datagram.end());  // RTP is parsed in place, mutable
  const auto packet = jb::rtp::RtpPacket::parse(buffer);
  if (packet && packet->headerSize() + packet->payload().size() + packet->paddingSize() != buffer.size())
    std::abort();
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer ABI
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using jb::common::PacketKind;
  const std::span<const uint8_t> datagram(data, size);
  switch (jb::common::classifyPacket(datagram)) {
    case PacketKind::Stun: {
      const auto message = jb::ice::StunMessage::parse(datagram);
      if (message) {
        (void)message->username();
        (void)message->checkFingerprint();
        (void)message->checkMessageIntegrity("VOkJxbRl1RmTxUk/WvJxBt");
      }
      break;
    }
    case PacketKind::Dtls:
      routeDtls(datagram);
      break;
    case PacketKind::RtpOrRtcp:
      routeRtpOrRtcp(datagram);
      break;
    case PacketKind::Unknown:
      break;  // counted and dropped
  }
  return 0;
}
