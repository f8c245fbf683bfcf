#include "sfu/IceTcpCounters.hpp"

namespace jb::sfu {

std::string_view toString(IceTcpCloseReason reason) {
  switch (reason) {
    case IceTcpCloseReason::PeerClosed:
      return "peer_closed";
    case IceTcpCloseReason::EmptyFrame:
      return "empty_frame";
    case IceTcpCloseReason::FrameTooLarge:
      return "frame_too_large";
    case IceTcpCloseReason::BufferOverflow:
      return "buffer_overflow";
    case IceTcpCloseReason::AuthTimeout:
      return "auth_timeout";
    case IceTcpCloseReason::WrongTransport:
      return "wrong_transport";
    case IceTcpCloseReason::TransportClosed:
      return "transport_closed";
    case IceTcpCloseReason::ConnectionLimit:
      return "connection_limit";
    case IceTcpCloseReason::WorkerStopped:
      return "worker_stopped";
    case IceTcpCloseReason::Count:
      break;
  }
  return "unknown";
}

}  // namespace jb::sfu
