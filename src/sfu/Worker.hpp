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
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "sfu/ConsumerLayersChanged.hpp"
#include "sfu/IceTcpServer.hpp"
#include "sfu/PeerMediaClosed.hpp"
#include "sfu/Router.hpp"
#include "sfu/SpeakerActivity.hpp"
#include "sfu/TransportHost.hpp"
#include "sfu/WorkerCounters.hpp"

namespace jb::sfu {

// One thread, one io_context, one UDP port and one ICE-TCP port shared by every transport of every room
// it hosts. All media objects below it are touched only on this thread, so the media path takes no locks.
class Worker final : public TransportHost, private IceTcpServer::Listener {
 public:
  struct Options {
    std::string listenAddress = "127.0.0.1";
    std::string announcedAddress = "127.0.0.1";
    uint16_t port = 0;  // 0: any free port
    PeerLimits peerLimits{};
    // RFC 7675 §5.1 recommends 30 s. When it expires the worker closes that peer's media (PeerMediaClosed).
    std::chrono::steady_clock::duration iceConsentTimeout = std::chrono::seconds(30);
    // Which host candidates transports announce. The UDP socket is bound either way (iceUdp=false is
    // for tests and UDP-hostile networks); iceTcp=false opens no TCP listener at all.
    bool iceUdp = true;
    bool iceTcp = true;
    uint16_t tcpPort = 0;  // 0: the UDP port's number if free, else any
    size_t maxTcpConnections = 1024;
    IceTcpLimits tcpLimits{};
  };
  using PeerMediaClosedHandler = std::function<void(PeerMediaClosed)>;
  using SpeakerActivityHandler = std::function<void(SpeakerActivity)>;
  using ConsumerLayersChangedHandler = std::function<void(ConsumerLayersChanged)>;

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
  // Remote tuples (UDP and TCP) that passed an ICE check and still route packets to a transport.
  size_t routedTupleCount() const { return transportsByTuple_.size(); }

  // Where to report peers the worker closed by itself. `handler` runs on `executor` (the signaling
  // io_context), never on the worker thread. May be called before or after start().
  void onPeerMediaClosed(boost::asio::any_io_executor executor, PeerMediaClosedHandler handler);
  // Where to report each room's dominant speaker changes and speaking levels; same threading.
  void onSpeakerActivity(boost::asio::any_io_executor executor, SpeakerActivityHandler handler);
  // Where to report simulcast consumers that switched layer; same threading.
  void onConsumerLayersChanged(boost::asio::any_io_executor executor, ConsumerLayersChangedHandler handler);

  // Any thread.
  const WorkerCounters& counters() const { return counters_; }
  // False if the worker's event loop has not ticked for `stall` (not started, stopped or stuck).
  bool responsive(std::chrono::steady_clock::time_point now,
                  std::chrono::steady_clock::duration stall = std::chrono::seconds(5)) const;

  // TransportHost
  boost::asio::io_context& ioContext() override { return io_; }
  const std::shared_ptr<const dtls::Certificate>& certificate() const override { return certificate_; }
  const std::string& announcedAddress() const override { return options_.announcedAddress; }
  // The UDP port, and the ICE-TCP port (0: ICE-TCP off).
  uint16_t port() const { return port_; }
  uint16_t tcpPort() const { return tcpServer_ ? tcpServer_->port() : 0; }
  std::optional<uint16_t> udpCandidatePort() const override;
  std::optional<uint16_t> tcpCandidatePort() const override;
  std::chrono::steady_clock::duration iceConsentTimeout() const override {
    return options_.iceConsentTimeout;
  }
  WorkerCounters& counters() override { return counters_; }
  void registerUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) override;
  void unregisterUsernameFragment(const std::string& ufrag, WebRtcTransport& transport) override;
  void registerTuple(const Tuple& remote, WebRtcTransport& transport) override;
  void unregisterTransport(WebRtcTransport& transport) override;
  void sendDatagram(const Tuple& remote, std::span<const uint8_t> datagram) override;

 private:
  void receiveLoop();
  void handleDatagram(uint8_t* data, size_t length, const Tuple& from);
  void handleStun(std::span<const uint8_t> data, const Tuple& from);
  // IceTcpServer::Listener: TCP frames join the same demultiplexer as UDP datagrams.
  void onIceTcpPacket(uint8_t* data, size_t length, const Tuple& from) override;
  void onIceTcpClosed(const Tuple& tuple) override;
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
  boost::asio::ip::udp::endpoint receiveFrom_;
  std::unique_ptr<IceTcpServer> tcpServer_;  // null with iceTcp off

  std::map<std::string, std::unique_ptr<Router>> routers_;
  std::unordered_map<std::string, WebRtcTransport*> transportsByUfrag_;
  std::map<Tuple, WebRtcTransport*> transportsByTuple_;
  WorkerCounters counters_;
  AudioTap* audioTap_ = nullptr;
  boost::asio::any_io_executor peerMediaClosedExecutor_;
  PeerMediaClosedHandler peerMediaClosedHandler_;
  boost::asio::any_io_executor speakerActivityExecutor_;
  SpeakerActivityHandler speakerActivityHandler_;
  boost::asio::any_io_executor layersChangedExecutor_;
  ConsumerLayersChangedHandler layersChangedHandler_;
};

}  // namespace jb::sfu
