#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

std::string_view toString(DropReason reason) {
  switch (reason) {
    case DropReason::UnknownKind:
      return "unknown_kind";
    case DropReason::BadStun:
      return "bad_stun";
    case DropReason::StunUnauthorized:
      return "stun_unauthorized";
    case DropReason::UnknownTuple:
      return "unknown_tuple";
    case DropReason::DtlsNotStarted:
      return "dtls_not_started";
    case DropReason::NotConnected:
      return "not_connected";
    case DropReason::SrtpFailure:
      return "srtp_failure";
    case DropReason::BadRtp:
      return "bad_rtp";
    case DropReason::BadRtcp:
      return "bad_rtcp";
    case DropReason::UnknownSsrc:
      return "unknown_ssrc";
    case DropReason::SendFailure:
      return "send_failure";
    case DropReason::BadRtx:
      return "bad_rtx";
    case DropReason::RtxPadding:
      return "rtx_padding";
    case DropReason::NackUnknownSequence:
      return "nack_unknown_seq";
    case DropReason::NackRateLimited:
      return "nack_rate_limited";
    case DropReason::TcpSendQueueFull:
      return "tcp_send_queue_full";
    case DropReason::UndeclaredRid:
      return "undeclared_rid";
    case DropReason::Count:
      break;
  }
  return "unknown";
}

std::string_view toString(PeerLimitKind kind) {
  switch (kind) {
    case PeerLimitKind::Transports:
      return "transports";
    case PeerLimitKind::Producers:
      return "producers";
    case PeerLimitKind::Consumers:
      return "consumers";
    case PeerLimitKind::Count:
      break;
  }
  return "unknown";
}

}  // namespace jb::sfu
