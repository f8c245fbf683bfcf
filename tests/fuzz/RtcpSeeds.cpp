#include "FuzzSeeds.hpp"
#include "rtp/rtcp/CompoundPacket.hpp"

namespace jb::fuzz {

Seeds rtcpSeeds() {
  using namespace rtp::rtcp;
  const ReportBlock block{.ssrc = 2,
                          .fractionLost = 16,
                          .cumulativeLost = -2,
                          .highestSeq = 0x1000,
                          .jitter = 0x20,
                          .lastSr = 0x11223344,
                          .delaySinceLastSr = 0x8000};
  return {
      serializeCompound({SenderReport{.ssrc = 1,
                                      .ntpSeconds = 5,
                                      .ntpFraction = 6,
                                      .rtpTimestamp = 7,
                                      .packetCount = 8,
                                      .octetCount = 9,
                                      .reports = {block}},
                         Sdes{.chunks = {{1, "abcd"}, {2, "x"}}}, Pli{.senderSsrc = 1, .mediaSsrc = 2}}),
      serializeCompound({ReceiverReport{.ssrc = 3, .reports = {block, block}},
                         Nack{.senderSsrc = 3, .mediaSsrc = 4, .lostSequenceNumbers = {1, 2, 5, 30, 65535}},
                         Fir{.senderSsrc = 3, .entries = {{.ssrc = 4, .seq = 9}}}}),
      serializeCompound(
          {ReceiverReport{.ssrc = 3}, Remb{.senderSsrc = 3, .bitrateBps = 2'000'000, .ssrcs = {4, 5}},
           Unknown{.packetType = 205, .fmt = 15, .bytes = {0, 0, 0, 3, 0, 0, 0,    4,    0,    1,
                                                           0, 2, 0, 0, 1, 0, 0x20, 0x01, 0x04, 0x00}},
           Bye{.ssrcs = {3}}}),
      // Transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): every chunk
      // kind, a gap, a negative (large) delta.
      serializeCompound(
          {ReceiverReport{.ssrc = 1},
           TransportFeedback{.senderSsrc = 1,
                             .mediaSsrc = 2,
                             .baseSequence = 65530,
                             .referenceTime = -3,
                             .feedbackPacketCount = 7,
                             .deltas = {4, std::nullopt, 8,   300, -4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0, std::nullopt, 255, 256}}}),
      // The same kind of packet, but the chunks stop short of the status count: kept as Unknown.
      {0x8f, 0xcd, 0x00, 0x05, 0, 0, 0, 3, 0, 0, 0, 4, 0, 1, 0, 9, 0, 0, 1, 0, 0xe5, 0x00, 0x00, 0x00},
      // BYE with padding bit set and a reason string (reason is skipped).
      {0xa1, 0xcb, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x03, 'b', 'y', 'e', 0x00, 0x00, 0x00, 0x04},
  };
}

}  // namespace jb::fuzz
