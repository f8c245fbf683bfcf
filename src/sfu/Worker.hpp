#pragma once

#include <array>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "sfu/Router.hpp"
#include "sfu/TransportHost.hpp"

namespace jb::sfu {

// Counters read from other threads (health, metrics); written only by the worker thread.
struct WorkerCounters {
  std::atomic<uint64_t> packetsIn{0};
  std::atomic<uint64_t> bytesIn{0};
  std::atomic<uint64_t> packetsOut{0};
  std::atomic<uint64_t> bytesOut{0};
  std::atomic<uint64_t> droppedUnknownKind{0};   // not STUN/DTLS/RTP by RFC 7983
  std::atomic<uint64_t> droppedBadStun{0};       // unparsable, or for a ufrag we never issued
  std::atomic<uint64_t> droppedUnknownTuple{0};  // DTLS/SRTP from an address no ICE check authenticated
};

// One thread, one io_context, one UDP port shared by every transport of every room it hosts. All
// media objects below it are touched only on this thread, so the media path takes no locks.
class Worker final : public TransportHost {
 public:
  struct Options {
    std::string listenAddress = "127.0.0.1";
    std::string announcedAddress = "127.0.0.1";
    uint16_t port = 0;  // 0: any free port
  };

  Worker(unsigned index, Options options, std::shared_ptr<const dtls::Certificate> certificate);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  void stop();

  unsigned index() const { return index_; }
  // Runs `task` on the worker thread. The only way other threads reach the media objects.
  template <typename Task>
  void post(Task&& task) {
    boost::asio::post(io_, std::forward<Task>(task));
  }

  // Worker-thread only.
  Router& router(const std::string& roomId);  // created on first use
  void closeRouter(const std::string& roomId);
  Router* findRouter(const std::string& roomId);

  const WorkerCounters& counters() const { return counters_; }

  // TransportHost
  boost::asio::io_context& ioContext() override { return io_; }
  const std::shared_ptr<const dtls::Certificate>& certificate() const override { return certificate_; }
  const std::string& announcedAddress() const override { return options_.announcedAddress; }
  uint16_t port() const override { return port_; }
  void registerUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) override;
  void registerTuple(const Endpoint& remote, WebRtcTransport& transport) override;
  void unregisterTransport(WebRtcTransport& transport) override;
  void sendDatagram(const Endpoint& remote, std::span<const uint8_t> datagram) override;

 private:
  void receiveLoop();
  void handleDatagram(uint8_t* data, size_t length, const Endpoint& from);
  void handleStun(std::span<const uint8_t> data, const Endpoint& from);
  void scheduleTick();

  unsigned index_;
  Options options_;
  std::shared_ptr<const dtls::Certificate> certificate_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> workGuard_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer tick_;
  uint16_t port_ = 0;
  bool loopbackOnly_ = false;
  std::thread thread_;
  std::array<uint8_t, 65536> receiveBuffer_{};
  Endpoint receiveFrom_;

  std::map<std::string, std::unique_ptr<Router>> routers_;
  std::unordered_map<std::string, WebRtcTransport*> transportsByUfrag_;
  std::map<Endpoint, WebRtcTransport*> transportsByTuple_;
  WorkerCounters counters_;
};

}  // namespace jb::sfu
