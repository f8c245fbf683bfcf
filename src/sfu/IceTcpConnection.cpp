#include "sfu/IceTcpConnection.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

namespace asio = boost::asio;

namespace {
IceTcpCloseReason closeReasonOf(net::Rfc4571Framer::Error error) {
  switch (error) {
    case net::Rfc4571Framer::Error::EmptyFrame:
      return IceTcpCloseReason::EmptyFrame;
    case net::Rfc4571Framer::Error::FrameTooLarge:
      return IceTcpCloseReason::FrameTooLarge;
    case net::Rfc4571Framer::Error::BufferOverflow:
    case net::Rfc4571Framer::Error::None:
      break;
  }
  return IceTcpCloseReason::BufferOverflow;
}

ice::TransportTuple tupleOf(const asio::ip::tcp::socket& socket, uint64_t id) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);  // fails only if the peer is already gone; the read says so
  return ice::TransportTuple::tcp(asio::ip::udp::endpoint(remote.address(), remote.port()), id);
}
}  // namespace

IceTcpConnection::IceTcpConnection(uint64_t id, asio::ip::tcp::socket socket, const IceTcpLimits& limits,
                                   Listener& listener, IceTcpCounters& counters)
    : socket_(std::move(socket)),
      authTimer_(socket_.get_executor()),
      tuple_(tupleOf(socket_, id)),
      limits_(limits),
      listener_(listener),
      counters_(counters),
      // The framer may hold one whole maximum frame plus one read: it is drained after every read.
      framer_(limits.maxFrameSize, net::Rfc4571Framer::kHeaderSize + limits.maxFrameSize + kReadChunk) {
  boost::system::error_code ec;
  // Media is latency-bound: each frame goes out when written, not when Nagle decides.
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  // send() tries a direct write first; it must return at once when the kernel buffer is full.
  socket_.non_blocking(true, ec);
}

void IceTcpConnection::start() {
  authTimer_.expires_after(limits_.authTimeout);
  authTimer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec && !self->authenticated_) self->close(IceTcpCloseReason::AuthTimeout);
  });
  readSome();
}

void IceTcpConnection::markAuthenticated() {
  if (authenticated_) return;
  authenticated_ = true;
  authTimer_.cancel();
}

void IceTcpConnection::readSome() {
  socket_.async_read_some(asio::buffer(readBuffer_),
                          [self = shared_from_this()](const boost::system::error_code& ec, size_t length) {
                            if (self->closed_) return;
                            if (ec) {
                              self->close(IceTcpCloseReason::PeerClosed);
                              return;
                            }
                            self->onRead(length);
                          });
}

void IceTcpConnection::onRead(size_t length) {
  // RFC 4571 §2: a bad length cannot be skipped (nothing marks where the next frame starts), so any
  // framing error ends the connection.
  if (!framer_.feed({readBuffer_.data(), length})) {
    close(closeReasonOf(framer_.error()));
    return;
  }
  while (auto frame = framer_.next()) {
    bump(counters_.framesIn);
    bump(counters_.bytesIn, frame->size());
    listener_.onIceTcpFrame(*this, *frame);
    if (closed_) return;  // the listener refused what the frame said
  }
  if (framer_.error() != net::Rfc4571Framer::Error::None) {
    close(closeReasonOf(framer_.error()));
    return;
  }
  readSome();
}

IceTcpConnection::SendResult IceTcpConnection::send(std::span<const uint8_t> packet) {
  if (closed_) return SendResult::Closed;
  if (packet.empty() || packet.size() > net::Rfc4571Framer::kMaxFrameSize) return SendResult::QueueFull;
  const size_t frameSize = net::Rfc4571Framer::kHeaderSize + packet.size();
  if (sendQueue_.empty()) {
    // Nothing waiting: write straight from the caller's buffer, no copy, as UDP's send_to does.
    const uint8_t header[2] = {static_cast<uint8_t>(packet.size() >> 8), static_cast<uint8_t>(packet.size())};
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(header),
                                                    asio::buffer(packet.data(), packet.size())};
    boost::system::error_code ec;
    size_t written = socket_.write_some(buffers, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      written = 0;
      ec = {};
    }
    if (ec) {
      // Not closed here: the caller may be walking the state our listener would change.
      closeLater(IceTcpCloseReason::PeerClosed);
      return SendResult::Closed;
    }
    bump(counters_.framesOut);
    bump(counters_.bytesOut, packet.size());
    if (written == frameSize) return SendResult::Sent;
    // The kernel took part of the frame: the rest must follow before anything else.
    std::vector<uint8_t> rest;
    rest.reserve(frameSize - written);
    for (size_t i = written; i < net::Rfc4571Framer::kHeaderSize; ++i) rest.push_back(header[i]);
    const size_t payloadOffset =
        written > net::Rfc4571Framer::kHeaderSize ? written - net::Rfc4571Framer::kHeaderSize : 0;
    rest.insert(rest.end(), packet.begin() + static_cast<std::ptrdiff_t>(payloadOffset), packet.end());
    queuedBytes_ += rest.size();
    sendQueue_.push_back(std::move(rest));
    writeQueued();
    return SendResult::Queued;
  }
  if (queuedBytes_ + frameSize > limits_.maxSendQueueBytes) return SendResult::QueueFull;
  std::vector<uint8_t> frame;
  frame.reserve(frameSize);
  net::appendFrame(frame, packet);
  queuedBytes_ += frame.size();
  sendQueue_.push_back(std::move(frame));
  bump(counters_.framesOut);
  bump(counters_.bytesOut, packet.size());
  if (framesInFlight_ == 0) writeQueued();
  return SendResult::Queued;
}

void IceTcpConnection::writeQueued() {
  framesInFlight_ = std::min(sendQueue_.size(), kMaxFramesPerWrite);
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(framesInFlight_);
  // std::deque::push_back keeps the elements (and their heap data) in place while this write runs.
  for (size_t i = 0; i < framesInFlight_; ++i) buffers.push_back(asio::buffer(sendQueue_[i]));
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      if (self->closed_) return;
                      if (ec) {
                        self->close(IceTcpCloseReason::PeerClosed);
                        return;
                      }
                      for (; self->framesInFlight_ > 0; --self->framesInFlight_) {
                        self->queuedBytes_ -= self->sendQueue_.front().size();
                        self->sendQueue_.pop_front();
                      }
                      if (!self->sendQueue_.empty()) self->writeQueued();
                    });
}

void IceTcpConnection::closeLater(IceTcpCloseReason reason) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), reason] { self->close(reason); });
}

void IceTcpConnection::close(IceTcpCloseReason reason) {
  if (closed_) return;
  closed_ = true;
  authTimer_.cancel();
  boost::system::error_code ec;
  // Pending reads and writes complete with operation_aborted and see closed_. The send queue stays
  // until then: a cancelled write's buffers must outlive its handler.
  socket_.close(ec);
  bump(counters_.closes[static_cast<size_t>(reason)]);
  listener_.onIceTcpClosed(*this, reason);
}

}  // namespace jb::sfu
