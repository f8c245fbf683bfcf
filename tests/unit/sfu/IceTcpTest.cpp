// ICE over TCP on a real worker (RFC 6544 passive candidate, RFC 4571 framing), driven by real loopback
// TCP clients in this process: checks answered over the stream, the connection bound by its first
// authenticated check, and every kind of bad input closing the connection and being counted.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <future>

#include "dtls/Certificate.hpp"
#include "ice/StunMessage.hpp"
#include "net/Rfc4571Framer.hpp"
#include "sfu/Worker.hpp"

namespace jb::sfu {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using nlohmann::json;
using namespace std::chrono_literals;
using Bytes = std::vector<uint8_t>;

class IceTcpTest : public ::testing::Test {
 protected:
  void startWorker(Worker::Options options) {
    worker_ = std::make_unique<Worker>(0, std::move(options), dtls::Certificate::generate());
    worker_->start();
    ASSERT_NE(worker_->tcpPort(), 0);
  }
  void startWorker() { startWorker(defaultOptions()); }
  static Worker::Options defaultOptions() {
    Worker::Options options{"127.0.0.1", "127.0.0.1", 0};
    options.tcpLimits.authTimeout = 400ms;
    return options;
  }
  void TearDown() override {
    if (worker_) worker_->stop();
  }

  template <typename F>
  auto onWorker(F f) {
    std::promise<decltype(f())> done;
    worker_->post([&] {
      try {
        done.set_value(f());
      } catch (...) {
        done.set_exception(std::current_exception());
      }
    });
    return done.get_future().get();
  }

  std::unique_ptr<tcp::socket> connect() {
    auto socket = std::make_unique<tcp::socket>(io_);
    socket->connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), worker_->tcpPort()));
    socket->non_blocking(true);
    return socket;
  }

  static void sendFrame(tcp::socket& socket, std::span<const uint8_t> payload) {
    Bytes framed;
    net::appendFrame(framed, payload);
    sendRaw(socket, framed);
  }
  static void sendRaw(tcp::socket& socket, std::span<const uint8_t> bytes) {
    socket.non_blocking(false);
    asio::write(socket, asio::buffer(bytes.data(), bytes.size()));
    socket.non_blocking(true);
  }

  // The next whole frame from the server, nullopt on timeout; `closed` is set when the server closed.
  std::optional<Bytes> receiveFrame(tcp::socket& socket, net::Rfc4571Framer& framer, bool* closed = nullptr,
                                    std::chrono::milliseconds timeout = 2000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::array<uint8_t, 4096> buf{};
    for (;;) {
      if (auto frame = framer.next()) return Bytes(frame->begin(), frame->end());
      if (std::chrono::steady_clock::now() > deadline) return std::nullopt;
      boost::system::error_code ec;
      size_t n = socket.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block || ec == asio::error::try_again) {
        std::this_thread::sleep_for(2ms);
        continue;
      }
      if (ec) {
        if (closed) *closed = true;
        return std::nullopt;
      }
      framer.feed({buf.data(), n});
    }
  }

  // True once the server has closed `socket` (EOF or reset), false if still open after `timeout`.
  bool closedByServer(tcp::socket& socket, std::chrono::milliseconds timeout = 2000ms) {
    net::Rfc4571Framer framer;
    bool closed = false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed && std::chrono::steady_clock::now() < deadline)
      receiveFrame(socket, framer, &closed, 50ms);
    return closed;
  }

  Bytes bindingRequest(const json& transport, uint8_t tidSeed, bool useCandidate = true) {
    const std::string ufrag = transport["iceParameters"]["usernameFragment"];
    const std::string password = transport["iceParameters"]["password"];
    return bindingRequest(ufrag, password, tidSeed, useCandidate);
  }
  static Bytes bindingRequest(const std::string& ufrag, const std::string& password, uint8_t tidSeed,
                              bool useCandidate = true) {
    ice::TransactionId tid{};
    for (size_t i = 0; i < tid.size(); ++i) tid[i] = static_cast<uint8_t>(tidSeed + i);
    auto request = ice::StunMessage::makeRequest(ice::StunMessage::kBinding, tid);
    request.setUsername(ufrag + ":browser");
    request.setPriority(12345);
    request.setIceControlling(42);
    request.setUseCandidate(useCandidate);
    return request.serialize(password, true);
  }

  template <typename Counter>
  bool waitFor(Counter counter, uint64_t atLeast) {
    for (int i = 0; i < 300; ++i) {
      if (counter() >= atLeast) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  uint64_t closes(IceTcpCloseReason reason) const { return worker_->counters().tcp.closed(reason); }

  asio::io_context io_;
  std::unique_ptr<Worker> worker_;
};

TEST_F(IceTcpTest, TransportAnnouncesPassiveTcpCandidateAfterUdp) {
  startWorker();
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  ASSERT_EQ(params["iceCandidates"].size(), 2u);
  const json& udp = params["iceCandidates"][0];
  const json& tcpCandidate = params["iceCandidates"][1];
  EXPECT_EQ(udp["protocol"], "udp");
  EXPECT_EQ(tcpCandidate["protocol"], "tcp");
  EXPECT_EQ(tcpCandidate["tcpType"], "passive");
  EXPECT_EQ(tcpCandidate["type"], "host");
  EXPECT_EQ(tcpCandidate["port"], worker_->tcpPort());
  EXPECT_EQ(tcpCandidate["ip"], "127.0.0.1");
  EXPECT_LT(tcpCandidate["priority"].get<uint32_t>(), udp["priority"].get<uint32_t>());
  EXPECT_EQ(worker_->tcpPort(), worker_->port()) << "the UDP port number was free for TCP, so it is reused";
}

TEST_F(IceTcpTest, NoIceUdpAnnouncesOnlyTcp) {
  auto options = defaultOptions();
  options.iceUdp = false;
  startWorker(options);
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  ASSERT_EQ(params["iceCandidates"].size(), 1u);
  EXPECT_EQ(params["iceCandidates"][0]["protocol"], "tcp");
}

TEST_F(IceTcpTest, AnswersFramedBindingWithIntegrityAndMappedAddress) {
  startWorker();
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  auto client = connect();
  // Split across writes: the framer must reassemble what TCP delivers in pieces.
  Bytes framed;
  net::appendFrame(framed, bindingRequest(params, 1));
  sendRaw(*client, std::span(framed).first(3));
  std::this_thread::sleep_for(20ms);
  sendRaw(*client, std::span(framed).subspan(3));

  net::Rfc4571Framer framer;
  auto reply = receiveFrame(*client, framer);
  ASSERT_TRUE(reply);
  auto response = ice::StunMessage::parse(*reply);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->messageClass(), ice::StunMessage::Class::SuccessResponse);
  EXPECT_EQ(response->checkMessageIntegrity(params["iceParameters"]["password"].get<std::string>()),
            ice::StunMessage::IntegrityResult::Ok);
  ASSERT_TRUE(response->xorMappedAddress());
  EXPECT_EQ(response->xorMappedAddress()->port(), client->local_endpoint().port());
  EXPECT_EQ(worker_->counters().tcp.framesIn.load(), 1u);
  EXPECT_EQ(worker_->counters().tcp.framesOut.load(), 1u);
  EXPECT_EQ(worker_->counters().packetsIn.load(), 0u) << "nothing went over UDP";

  // Authenticated: the connection outlives the authentication deadline.
  std::this_thread::sleep_for(600ms);
  EXPECT_FALSE(closedByServer(*client, 100ms));
  EXPECT_EQ(closes(IceTcpCloseReason::AuthTimeout), 0u);
}

TEST_F(IceTcpTest, OversizedFrameClosesConnectionAndIsCounted) {
  startWorker();
  auto client = connect();
  const uint8_t prefix[] = {0x40, 0x00};  // 16384 > the 8192-byte frame limit; the body never comes
  sendRaw(*client, prefix);
  EXPECT_TRUE(closedByServer(*client));
  EXPECT_TRUE(waitFor([&] { return closes(IceTcpCloseReason::FrameTooLarge); }, 1));
  EXPECT_TRUE(waitFor([&] { return worker_->counters().tcp.open.load() == 0 ? 1u : 0u; }, 1));
}

TEST_F(IceTcpTest, ZeroLengthFrameClosesConnectionAndIsCounted) {
  startWorker();
  auto client = connect();
  const uint8_t empty[] = {0, 0};
  sendRaw(*client, empty);
  EXPECT_TRUE(closedByServer(*client));
  EXPECT_TRUE(waitFor([&] { return closes(IceTcpCloseReason::EmptyFrame); }, 1));
}

TEST_F(IceTcpTest, SilentOrUnauthenticatedConnectionIsClosedAfterDeadline) {
  startWorker();
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  auto silent = connect();
  auto wrongPassword = connect();
  const std::string ufrag = params["iceParameters"]["usernameFragment"];
  sendFrame(*wrongPassword, bindingRequest(ufrag, "not-the-password", 3));
  net::Rfc4571Framer framer;
  auto reply = receiveFrame(*wrongPassword, framer);
  ASSERT_TRUE(reply);
  EXPECT_EQ(ice::StunMessage::parse(*reply)->errorCode(), 401);
  EXPECT_TRUE(closedByServer(*silent));
  EXPECT_TRUE(closedByServer(*wrongPassword));
  EXPECT_TRUE(waitFor([&] { return closes(IceTcpCloseReason::AuthTimeout); }, 2));
}

TEST_F(IceTcpTest, ConnectionsBeyondTheCapAreRefusedAndCounted) {
  auto options = defaultOptions();
  options.maxTcpConnections = 2;
  options.tcpLimits.authTimeout = 5s;
  startWorker(options);
  auto a = connect();
  auto b = connect();
  ASSERT_TRUE(waitFor([&] { return static_cast<uint64_t>(worker_->counters().tcp.open.load()); }, 2));
  auto c = connect();
  EXPECT_TRUE(closedByServer(*c));
  EXPECT_EQ(closes(IceTcpCloseReason::ConnectionLimit), 1u);
  EXPECT_FALSE(closedByServer(*a, 100ms));
}

TEST_F(IceTcpTest, CheckForAnotherTransportClosesBoundConnection) {
  startWorker();
  auto first = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  auto second = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  auto client = connect();
  sendFrame(*client, bindingRequest(first, 1));
  net::Rfc4571Framer framer;
  ASSERT_TRUE(receiveFrame(*client, framer));
  sendFrame(*client, bindingRequest(second, 2));
  EXPECT_TRUE(closedByServer(*client));
  EXPECT_TRUE(waitFor([&] { return closes(IceTcpCloseReason::WrongTransport); }, 1));
}

TEST_F(IceTcpTest, ClosedConnectionIsForgottenAndClosingTransportClosesItsConnections) {
  startWorker();
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  auto leaving = connect();
  auto staying = connect();
  net::Rfc4571Framer framerA, framerB;
  sendFrame(*leaving, bindingRequest(params, 1));
  ASSERT_TRUE(receiveFrame(*leaving, framerA));
  sendFrame(*staying, bindingRequest(params, 2, false));
  ASSERT_TRUE(receiveFrame(*staying, framerB));
  EXPECT_EQ(onWorker([&] { return worker_->routedTupleCount(); }), 2u);

  leaving->close();
  ASSERT_TRUE(waitFor([&] { return closes(IceTcpCloseReason::PeerClosed); }, 1));
  EXPECT_EQ(onWorker([&] { return worker_->routedTupleCount(); }), 1u) << "the closed tuple routes nothing";

  onWorker([&] { return worker_->router("room").closePeer("peer").producers.size(); });
  EXPECT_TRUE(closedByServer(*staying));
  EXPECT_EQ(closes(IceTcpCloseReason::TransportClosed), 1u);
  EXPECT_EQ(onWorker([&] { return worker_->routedTupleCount(); }), 0u);
}

TEST_F(IceTcpTest, SlowReaderFillsBoundedQueueThenDropsWholeFrames) {
  auto options = defaultOptions();
  options.tcpLimits.maxSendQueueBytes = 64 * 1024;
  startWorker(options);
  auto params = onWorker([&] { return worker_->router("room").createWebRtcTransport("peer"); });
  auto client = connect();
  sendFrame(*client, bindingRequest(params, 1));
  net::Rfc4571Framer framer(net::Rfc4571Framer::kMaxFrameSize, 1 << 20);
  ASSERT_TRUE(receiveFrame(*client, framer));
  const ice::TransportTuple tuple = ice::TransportTuple::tcp(
      asio::ip::udp::endpoint(client->local_endpoint().address(), client->local_endpoint().port()), 1);

  // The client reads nothing while the worker sends far more than socket buffers and queue hold.
  constexpr uint32_t kPackets = 20000;
  const auto sendStarted = std::chrono::steady_clock::now();
  onWorker([&] {
    Bytes packet(1200);
    for (uint32_t i = 0; i < kPackets; ++i) {
      for (int b = 0; b < 4; ++b) packet[static_cast<size_t>(b)] = static_cast<uint8_t>(i >> (24 - 8 * b));
      worker_->sendDatagram(tuple, packet);
    }
    return 0;
  });
  EXPECT_LT(std::chrono::steady_clock::now() - sendStarted, 2s) << "sending must never block the worker";
  const uint64_t dropped = worker_->counters().dropped(DropReason::TcpSendQueueFull);
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(dropped, kPackets);

  // What arrives is whole frames in order: drops never cut a frame.
  uint32_t received = 0;
  int64_t last = -1;
  while (auto frame = receiveFrame(*client, framer, nullptr, 500ms)) {
    ASSERT_EQ(frame->size(), 1200u);
    const int64_t seq = (int64_t{(*frame)[0]} << 24) | ((*frame)[1] << 16) | ((*frame)[2] << 8) | (*frame)[3];
    ASSERT_GT(seq, last);
    last = seq;
    ++received;
  }
  EXPECT_EQ(received + dropped, kPackets);

  // Drained, the connection carries frames again.
  onWorker([&] {
    Bytes packet(100, 0xab);
    worker_->sendDatagram(tuple, packet);
    return 0;
  });
  auto after = receiveFrame(*client, framer);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, Bytes(100, 0xab));
  EXPECT_EQ(worker_->counters().dropped(DropReason::TcpSendQueueFull), dropped);
}

}  // namespace
}  // namespace jb::sfu
