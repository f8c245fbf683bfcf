#include "signaling/TurnProbe.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/address.hpp>

#include "common/Random.hpp"

namespace jb::signaling {

namespace asio = boost::asio;
using asio::ip::udp;

std::optional<TurnProbe::Target> TurnProbe::parseUrl(const std::string& url) {
  std::string rest;
  if (url.starts_with("turn:"))
    rest = url.substr(5);
  else
    return std::nullopt;  // turns: is TLS; a UDP probe would not say anything about it
  if (auto query = rest.find('?'); query != std::string::npos) rest.resize(query);
  Target target;
  // [v6]:port, host:port or host.
  if (rest.starts_with('[')) {
    auto close = rest.find(']');
    if (close == std::string::npos) return std::nullopt;
    target.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return std::nullopt;
  } else {
    auto colon = rest.find(':');
    target.host = rest.substr(0, colon);
    rest = colon == std::string::npos ? std::string() : rest.substr(colon);
  }
  if (!rest.empty()) {
    try {
      int port = std::stoi(rest.substr(1));
      if (port < 1 || port > 65535) return std::nullopt;
      target.port = static_cast<uint16_t>(port);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (target.host.empty()) return std::nullopt;
  return target;
}

TurnProbe::TurnProbe(asio::io_context& io, const std::string& url,
                     std::chrono::steady_clock::duration interval)
    : target_(parseUrl(url)), interval_(interval), socket_(io), timer_(io) {
  if (!target_) spdlog::warn("[turn] cannot probe '{}' (only turn: URLs over UDP are checked)", url);
}

void TurnProbe::start() {
  if (!target_) return;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(target_->host, ec);
  if (ec) {
    // A name, not an address: resolving it would block the signaling thread; report it unprobed.
    spdlog::warn("[turn] {} is not an IP address; /ready does not probe it", target_->host);
    target_.reset();
    return;
  }
  socket_.open(address.is_v6() ? udp::v6() : udp::v4());
  socket_.connect(udp::endpoint(address, target_->port), ec);
  if (ec) {
    spdlog::warn("[turn] cannot reach {}:{}: {}", target_->host, target_->port, ec.message());
    return;
  }
  receive();
  probe();
}

bool TurnProbe::reachable() const {
  if (!target_) return true;  // nothing we can check without blocking; configured is the best we know
  return lastAnswer_ != std::chrono::steady_clock::time_point{} &&
         std::chrono::steady_clock::now() - lastAnswer_ < 2 * interval_ + std::chrono::seconds(1);
}

void TurnProbe::probe() {
  for (auto& byte : pending_) byte = static_cast<uint8_t>(common::randomUint32());
  auto request = std::make_shared<std::vector<uint8_t>>(
      ice::StunMessage::makeRequest(ice::StunMessage::kBinding, pending_).serialize({}, true));
  socket_.async_send(asio::buffer(*request), [request](const boost::system::error_code&, size_t) {});
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) probe();
  });
}

void TurnProbe::receive() {
  socket_.async_receive(asio::buffer(buffer_), [this](const boost::system::error_code& ec, size_t length) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      auto message = ice::StunMessage::parse(std::span<const uint8_t>(buffer_.data(), length));
      if (message && message->transactionId() == pending_ &&
          message->messageClass() != ice::StunMessage::Class::Request)
        lastAnswer_ = std::chrono::steady_clock::now();
    }
    receive();  // ICMP "port unreachable" shows up as an error here; keep listening
  });
}

}  // namespace jb::signaling
