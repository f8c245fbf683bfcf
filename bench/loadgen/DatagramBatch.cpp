#include "DatagramBatch.hpp"

#include <netinet/in.h>

#include <cstring>
#include <ctime>

namespace jb::bench {

namespace {
static_assert(CMSG_SPACE(sizeof(timespec)) + CMSG_SPACE(sizeof(uint32_t)) <= 64);
}  // namespace

void DatagramBatch::enableAncillaryData(int fd) {
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
}

DatagramBatch::DatagramBatch() {
  for (size_t i = 0; i < kCapacity; ++i) {
    vectors_[i] = {buffers_[i].data(), kMaxDatagram};
    headers_[i].msg_hdr.msg_iov = &vectors_[i];
    headers_[i].msg_hdr.msg_iovlen = 1;
  }
}

size_t DatagramBatch::receive(int fd, uint64_t fallbackNs) {
  // recvmmsg writes the lengths back, so each call starts from full-sized name and control buffers.
  for (size_t i = 0; i < kCapacity; ++i) {
    msghdr& h = headers_[i].msg_hdr;
    h.msg_name = &sources_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_control = control_[i].bytes.data();
    h.msg_controllen = kControlSize;
    h.msg_flags = 0;
  }
  socketDrops_.reset();
  const int count = recvmmsg(fd, headers_.data(), kCapacity, MSG_DONTWAIT, nullptr);
  if (count <= 0) return 0;
  for (int i = 0; i < count; ++i) {
    msghdr& h = headers_[i].msg_hdr;
    kernelTimesNs_[i] = fallbackNs;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec t{};
        std::memcpy(&t, CMSG_DATA(c), sizeof t);
        kernelTimesNs_[i] =
            static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
      } else if (c->cmsg_type == SO_RXQ_OVFL) {
        uint32_t drops = 0;
        std::memcpy(&drops, CMSG_DATA(c), sizeof drops);
        socketDrops_ = drops;
      }
    }
  }
  return static_cast<size_t>(count);
}

ReceivedDatagram DatagramBatch::operator[](size_t i) {
  return {buffers_[i].data(), headers_[i].msg_len, kernelTimesNs_[i], &sources_[i]};
}

boost::asio::ip::udp::endpoint ReceivedDatagram::sourceEndpoint() const {
  boost::asio::ip::udp::endpoint endpoint;
  const size_t size = source->ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
  std::memcpy(endpoint.data(), source, size);
  endpoint.resize(size);
  return endpoint;
}

}  // namespace jb::bench
