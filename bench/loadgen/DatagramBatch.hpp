#pragma once

#include <sys/socket.h>

#include <array>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <optional>

namespace jb::bench {

// One datagram as recvmmsg left it, valid until the batch's next receive().
struct ReceivedDatagram {
  uint8_t* data;
  size_t length;
  // SCM_TIMESTAMPNS: when the kernel took the datagram in, on CLOCK_REALTIME (the clock the payload stamp
  // uses), so latency measured from it excludes however long this process took to get to the socket.
  uint64_t kernelTimeNs;
  const sockaddr_storage* source;

  boost::asio::ip::udp::endpoint sourceEndpoint() const;  // built on demand: only STUN needs it
};

// Reads datagrams with one recvmmsg call per up to kCapacity of them, with their kernel receive time and
// the socket's drop counter. The generator handles every transport on one thread, so one batch serves
// them all: buffers for 2,000 sockets would be 128 MiB, one shared batch is ~72 KiB.
class DatagramBatch {
 public:
  static constexpr size_t kCapacity = 32;
  static constexpr size_t kMaxDatagram = 2048;

  // Asks the kernel to attach what receive() reads: SO_TIMESTAMPNS and SO_RXQ_OVFL.
  static void enableAncillaryData(int fd);

  DatagramBatch();
  DatagramBatch(const DatagramBatch&) = delete;
  DatagramBatch& operator=(const DatagramBatch&) = delete;

  // Reads what `fd` has queued, up to kCapacity datagrams, without blocking. Returns how many (0 when
  // nothing is queued or on error). Each datagram without a timestamp gets `fallbackNs`.
  size_t receive(int fd, uint64_t fallbackNs);
  ReceivedDatagram operator[](size_t i);
  // SO_RXQ_OVFL of the last datagram read: how many the socket dropped (buffer full) since it opened.
  std::optional<uint32_t> socketDrops() const { return socketDrops_; }

 private:
  static constexpr size_t kControlSize = 64;  // CMSG_SPACE(timespec) + CMSG_SPACE(uint32_t), rounded up

  std::array<std::array<uint8_t, kMaxDatagram>, kCapacity> buffers_{};
  // Read through CMSG_FIRSTHDR as cmsghdr, so aligned like one.
  struct alignas(cmsghdr) Control {
    std::array<uint8_t, kControlSize> bytes{};
  };
  std::array<Control, kCapacity> control_{};
  std::array<sockaddr_storage, kCapacity> sources_{};
  std::array<iovec, kCapacity> vectors_{};
  std::array<mmsghdr, kCapacity> headers_{};
  std::array<uint64_t, kCapacity> kernelTimesNs_{};
  std::optional<uint32_t> socketDrops_;
};

}  // namespace jb::bench
