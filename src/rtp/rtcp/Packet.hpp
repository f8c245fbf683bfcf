#pragma once

#include <variant>

#include "rtp/rtcp/Bye.hpp"
#include "rtp/rtcp/Fir.hpp"
#include "rtp/rtcp/Nack.hpp"
#include "rtp/rtcp/Pli.hpp"
#include "rtp/rtcp/ReceiverReport.hpp"
#include "rtp/rtcp/Remb.hpp"
#include "rtp/rtcp/Sdes.hpp"
#include "rtp/rtcp/SenderReport.hpp"
#include "rtp/rtcp/TransportFeedback.hpp"
#include "rtp/rtcp/Unknown.hpp"

namespace jb::rtp::rtcp {

// One RTCP packet of a compound packet (RFC 3550 §6.1), decoded into a plain struct.
using Packet =
    std::variant<SenderReport, ReceiverReport, Sdes, Bye, Pli, Fir, Nack, Remb, TransportFeedback, Unknown>;

// Appends one RTCP packet, padded to a 32-bit boundary.
void serialize(const Packet& packet, std::vector<uint8_t>& out);

}  // namespace jb::rtp::rtcp
