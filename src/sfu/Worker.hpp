#pragma once

#include <array>
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "sfu/PeerMediaClosed.hpp"
#include "sfu/Router.hpp"
#include "sfu/TransportHost.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

// One thread, one io_context, one UDP port shared by every transport of every room it hosts. All
// media objects below it are touched only on this thread, so the media path takes no locks.
class Worker final : public TransportHost {
 public:
  struct Options {
    std::string listenAddress = "127.0.0.1";
    std::string announcedAddress = "127.0.0.1";
    uint16_t port = 0;  // 0: any free port
    PeerLimits peerLimits{};
    // RFC 7675 §5.1 recommends 30 s. When it expires the worker closes that peer's media (PeerMediaClosed).
    std::chrono::steady_clock::duration iceConsentTimeout = std::chrono::seconds(30);
  };
  using PeerMediaClosedHandler = std::function<void(PeerMediaClosed)>;

  Worker(unsigned index, Options options, std::shared_ptr<const dtls::Certificate> certificate);
  ~Worker() override;
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();
  void stop();
  // Every router made after this copies its audio to `tap` (must outlive the worker). Before start().
  void setAudioTap(AudioTap* tap) { audioTap_ = tap; }

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

  // Where to report peers the worker closed by itself. `handler` runs on `executor` (the signaling
  // io_context), never on the worker thread. May be called before or after start().
  void onPeerMediaClosed(boost::asio::any_io_executor executor, PeerMediaClosedHandler handler);

  // Any thread.
  const WorkerCounters& counters() const { return counters_; }
  // False if the worker's event loop has not ticked for `stall` (not started, stopped or stuck).
  bool responsive(std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::duration stall = std::chrono::seconds(5)) const;

  // TransportHost
  boost::asio::io_context& ioContext() override { return io_; }
  const std::shared_ptr<const dtls::Certificate>& certificate() const override { return certificate_; }
  const std::string& announcedAddress() const override { return options_.announcedAddress; }
  uint16_t port() const override { return port_; }
  std::chrono::steady_clock::duration iceConsentTimeout() const override {
    return options_.iceConsentTimeout;
  }
  WorkerCounters& counters() override { return counters_; }
  void registerUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) override;
  void registerTuple(const Endpoint& remote, WebRtcTransport& transport) override;
  void unregisterTransport(WebRtcTransport& transport) override;
  void sendDatagram(const Endpoint& remote, std::span<const uint8_t> datagram) override;

 private:
  void receiveLoop();
  void handleDatagram(uint8_t* data, size_t length, const Endpoint& from);
  void handleStun(std::span<const uint8_t> data, const Endpoint& from);
  void scheduleTick();
  void onTick(std::chrono::steady_clock::time_point now);
  void report(PeerMediaClosed event);

  unsigned index_;
  Options options_;
  std::shared_ptr<const dtls::Certificate> certificate_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> workGuard_;
  boost::asio::ip::udp::socket socket_;
  boost::asio::steady_timer tick_;
  std::chrono::steady_clock::time_point lastReceiverReports_{};
  uint16_t port_ = 0;
  bool loopbackOnly_ = false;
  std::thread thread_;
  std::array<uint8_t, 65536> receiveBuffer_{};
  Endpoint receiveFrom_;

  std::map<std::string, std::unique_ptr<Router>> routers_;
  std::unordered_map<std::string, WebRtcTransport*> transportsByUfrag_;
  std::map<Endpoint, WebRtcTransport*> transportsByTuple_;
  WorkerCounters counters_;
  AudioTap* audioTap_ = nullptr;
  boost::asio::any_io_executor peerMediaClosedExecutor_;
  PeerMediaClosedHandler peerMediaClosedHandler_;
};

}  // namespace jb::sfu
