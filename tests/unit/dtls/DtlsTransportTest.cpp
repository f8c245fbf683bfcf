#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <functional>
#include <ostream>
#include <thread>

#include "dtls/DtlsTransport.hpp"
#include "srtp/SrtpSession.hpp"

namespace jb::dtls {

// Readable enum values in gtest failure messages.
void PrintTo(DtlsTransport::State state, std::ostream* os) {
  static constexpr const char* kNames[] = {"New", "Connecting", "Connected", "Failed", "Closed"};
  *os << kNames[static_cast<int>(state)];
}
void PrintTo(DtlsTransport::Role role, std::ostream* os) {
  *os << (role == DtlsTransport::Role::Client ? "Client" : "Server");
}

namespace {

using namespace std::chrono_literals;
using Role = DtlsTransport::Role;
using State = DtlsTransport::State;

// One side of a loopback link: records every listener event and queues outgoing datagrams until
// the test pumps them to the other side.
struct Peer : DtlsTransport::Listener {
  explicit Peer(std::shared_ptr<const Certificate> cert)
      : certificate(std::move(cert)), transport(certificate, *this) {}

  void onDtlsSend(std::span<const uint8_t> datagram) override {
    maxDatagram = std::max(maxDatagram, datagram.size());
    outbox.emplace_back(datagram.begin(), datagram.end());
  }
  void onDtlsConnected(const SrtpKeyMaterial& k) override { keys = k; }
  void onDtlsFailed(const std::string& reason) override { failure = reason; }
  void onDtlsClosed() override { closedByPeer = true; }
  void onDtlsApplicationData(std::span<const uint8_t> data) override {
    received.emplace_back(data.begin(), data.end());
  }

  Fingerprint fingerprint() const { return {"sha-256", certificate->fingerprintSha256()}; }
  bool done() const { return keys.has_value() || failure.has_value(); }

  std::shared_ptr<const Certificate> certificate;
  DtlsTransport transport;
  std::deque<std::vector<uint8_t>> outbox;
  std::optional<SrtpKeyMaterial> keys;
  std::optional<std::string> failure;
  bool closedByPeer = false;
  std::vector<std::vector<uint8_t>> received;
  size_t maxDatagram = 0;
};

// Moves queued datagrams back and forth, one whole outbox ("flight") at a time, until both are
// empty. `drop(flightIndex)` decides whether a flight is lost on the wire.
class Link {
 public:
  Link(Peer& a, Peer& b) : a_(a), b_(b) {}

  std::function<bool(int flight)> drop = [](int) { return false; };

  void pump() {
    while (!a_.outbox.empty() || !b_.outbox.empty()) {
      deliver(a_, b_);
      deliver(b_, a_);
    }
  }

  // Pumps, and while someone still waits for the handshake, lets the retransmission timers fire.
  void runUntilSettled(std::chrono::milliseconds budget = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    pump();
    while (!(a_.done() && b_.done()) && std::chrono::steady_clock::now() < deadline) {
      auto wait = earliestTimeout();
      if (!wait) break;
      std::this_thread::sleep_for(*wait);
      a_.transport.handleTimeout();
      b_.transport.handleTimeout();
      pump();
    }
  }

  int flights() const { return flight_; }

 private:
  void deliver(Peer& from, Peer& to) {
    if (from.outbox.empty()) return;
    std::deque<std::vector<uint8_t>> batch;
    batch.swap(from.outbox);
    if (drop(flight_++)) return;
    for (const auto& datagram : batch) to.transport.handleDatagram(datagram);
  }

  std::optional<std::chrono::milliseconds> earliestTimeout() const {
    auto ta = a_.transport.timeoutIn();
    auto tb = b_.transport.timeoutIn();
    if (ta && tb) return std::min(*ta, *tb);
    return ta ? ta : tb;
  }

  Peer& a_;
  Peer& b_;
  int flight_ = 0;
};

struct Pair {
  Pair() : client(Certificate::generate()), server(Certificate::generate()), link(client, server) {}
  void start() {
    server.transport.start(Role::Server, {client.fingerprint()});
    client.transport.start(Role::Client, {server.fingerprint()});
  }
  Peer client;
  Peer server;
  Link link;
};

void expectCrosswiseKeys(const Peer& a, const Peer& b) {
  ASSERT_TRUE(a.keys && b.keys);
  EXPECT_EQ(a.keys->profile, srtp::Profile::AeadAes128Gcm);
  EXPECT_EQ(b.keys->profile, srtp::Profile::AeadAes128Gcm);
  EXPECT_EQ(a.keys->localMasterKeyAndSalt, b.keys->remoteMasterKeyAndSalt);
  EXPECT_EQ(a.keys->remoteMasterKeyAndSalt, b.keys->localMasterKeyAndSalt);
  EXPECT_NE(a.keys->localMasterKeyAndSalt, a.keys->remoteMasterKeyAndSalt);
  EXPECT_EQ(a.keys->localMasterKeyAndSalt.size(), 28u);
}

TEST(DtlsTransport, StaysNewUntilStarted) {
  Peer peer(Certificate::generate());
  EXPECT_EQ(peer.transport.state(), State::New);
  EXPECT_FALSE(peer.transport.timeoutIn());
  const std::vector<uint8_t> junk = {22, 254, 253, 0, 0};
  peer.transport.handleDatagram(junk);
  EXPECT_EQ(peer.transport.state(), State::New);
  EXPECT_TRUE(peer.outbox.empty());
}

TEST(DtlsTransport, ClientSendsClientHelloOnStartAndArmsRetransmissionTimer) {
  Peer peer(Certificate::generate());
  peer.transport.start(Role::Client, {{"sha-256", "00"}});
  EXPECT_EQ(peer.transport.state(), State::Connecting);
  ASSERT_EQ(peer.outbox.size(), 1u);
  EXPECT_EQ(peer.outbox.front()[0], 22);  // handshake record (RFC 7983 demux range 20..63)
  auto timeout = peer.transport.timeoutIn();
  ASSERT_TRUE(timeout);
  EXPECT_LE(*timeout, 100ms);
}

TEST(DtlsTransport, ServerWaitsSilentlyForClientHello) {
  Peer peer(Certificate::generate());
  peer.transport.start(Role::Server, {{"sha-256", "00"}});
  EXPECT_EQ(peer.transport.state(), State::Connecting);
  EXPECT_TRUE(peer.outbox.empty());
  EXPECT_FALSE(peer.transport.timeoutIn());
}

TEST(DtlsTransport, StartTwiceThrows) {
  Peer peer(Certificate::generate());
  peer.transport.start(Role::Server, {{"sha-256", "00"}});
  EXPECT_THROW(peer.transport.start(Role::Server, {{"sha-256", "00"}}), std::logic_error);
}

TEST(DtlsTransport, StartWithoutRemoteFingerprintThrows) {
  Peer peer(Certificate::generate());
  EXPECT_THROW(peer.transport.start(Role::Client, {}), std::invalid_argument);
}

class DtlsHandshakeRoles : public ::testing::TestWithParam<bool> {};

// The parameter swaps which Peer object plays client, so both role assignments are exercised.
TEST_P(DtlsHandshakeRoles, HandshakeCompletesWithMatchingCrosswiseGcmKeys) {
  Peer a(Certificate::generate());
  Peer b(Certificate::generate());
  const bool aIsClient = GetParam();
  b.transport.start(aIsClient ? Role::Server : Role::Client, {a.fingerprint()});
  a.transport.start(aIsClient ? Role::Client : Role::Server, {b.fingerprint()});
  Link link(a, b);
  link.runUntilSettled();
  EXPECT_EQ(a.transport.state(), State::Connected);
  EXPECT_EQ(b.transport.state(), State::Connected);
  EXPECT_EQ(a.transport.role(), aIsClient ? Role::Client : Role::Server);
  EXPECT_FALSE(a.failure);
  EXPECT_FALSE(b.failure);
  expectCrosswiseKeys(a, b);
}

INSTANTIATE_TEST_SUITE_P(BothRoleAssignments, DtlsHandshakeRoles, ::testing::Bool(), [](const auto& info) {
  return info.param ? "FirstPeerIsClient" : "FirstPeerIsServer";
});

TEST(DtlsTransport, EveryDatagramFitsTheMtu) {
  Pair p;
  p.start();
  p.link.runUntilSettled();
  ASSERT_EQ(p.client.transport.state(), State::Connected);
  EXPECT_GT(p.client.maxDatagram, 0u);
  EXPECT_LE(p.client.maxDatagram, DtlsTransport::kMtu);
  EXPECT_LE(p.server.maxDatagram, DtlsTransport::kMtu);
}

TEST(DtlsTransport, AcceptsFingerprintInLowerCaseWithAnotherAlgorithm) {
  Pair p;
  auto sha512 = computeFingerprint(p.server.certificate->x509(), "sha-512");
  ASSERT_TRUE(sha512);
  std::transform(sha512->begin(), sha512->end(), sha512->begin(),
                 [](unsigned char c) { return std::tolower(c); });
  p.server.transport.start(Role::Server, {p.client.fingerprint()});
  p.client.transport.start(Role::Client, {{"sha-1", "00:11"}, {"sha-512", *sha512}});
  p.link.runUntilSettled();
  EXPECT_EQ(p.client.transport.state(), State::Connected);
  EXPECT_EQ(p.server.transport.state(), State::Connected);
}

class DtlsWrongFingerprint : public ::testing::TestWithParam<Role> {};

TEST_P(DtlsWrongFingerprint, SideWithWrongExpectedFingerprintFailsAndNobodyConnects) {
  Pair p;
  const Fingerprint wrong{"sha-256", Certificate::generate()->fingerprintSha256()};
  const bool clientChecksWrong = GetParam() == Role::Client;
  p.server.transport.start(Role::Server, {clientChecksWrong ? p.client.fingerprint() : wrong});
  p.client.transport.start(Role::Client, {clientChecksWrong ? wrong : p.server.fingerprint()});
  p.link.runUntilSettled(1s);

  Peer& checker = clientChecksWrong ? p.client : p.server;
  Peer& other = clientChecksWrong ? p.server : p.client;
  EXPECT_EQ(checker.transport.state(), State::Failed);
  ASSERT_TRUE(checker.failure);
  EXPECT_NE(checker.failure->find("fingerprint"), std::string::npos) << *checker.failure;
  EXPECT_FALSE(checker.keys);
  // The fatal alert reaches the other side before it could derive keys.
  EXPECT_FALSE(other.keys);
  EXPECT_NE(other.transport.state(), State::Connected);
}

INSTANTIATE_TEST_SUITE_P(EitherSide, DtlsWrongFingerprint, ::testing::Values(Role::Client, Role::Server),
                         [](const auto& info) { return info.param == Role::Client ? "Client" : "Server"; });

TEST(DtlsTransport, UnsupportedFingerprintAlgorithmFailsTheHandshake) {
  Pair p;
  p.server.transport.start(Role::Server, {p.client.fingerprint()});
  p.client.transport.start(Role::Client, {{"md5", "00:11:22"}});
  p.link.runUntilSettled(1s);
  EXPECT_EQ(p.client.transport.state(), State::Failed);
  EXPECT_FALSE(p.client.keys);
  EXPECT_FALSE(p.server.keys);
}

TEST(DtlsTransport, GarbageDatagramsNeitherCrashNorConnectAndHandshakeStillSucceeds) {
  Pair p;
  p.server.transport.start(Role::Server, {p.client.fingerprint()});
  const std::vector<std::vector<uint8_t>> garbage = {
      {0x00},
      {22, 254, 253},
      {22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3},
      {23, 254, 253, 0, 1, 0, 0, 0, 0, 0, 5, 0, 4, 1, 2, 3, 4},
      std::vector<uint8_t>(1500, 0xab),
      [] {
        std::vector<uint8_t> r = {23, 254, 253, 0, 1, 0, 0, 0, 0, 0, 6, 0, 40};
        r.resize(53, 0x99);
        return r;
      }(),
  };
  for (const auto& g : garbage) p.server.transport.handleDatagram(g);
  EXPECT_EQ(p.server.transport.state(), State::Connecting);
  EXPECT_FALSE(p.server.keys);

  p.client.transport.start(Role::Client, {p.server.fingerprint()});
  for (const auto& g : garbage) p.client.transport.handleDatagram(g);
  EXPECT_EQ(p.client.transport.state(), State::Connecting);
  EXPECT_FALSE(p.client.keys);

  p.link.runUntilSettled();
  EXPECT_EQ(p.client.transport.state(), State::Connected);
  EXPECT_EQ(p.server.transport.state(), State::Connected);
}

// Flights: 0 ClientHello, 1 ServerHello..Done, 2 client Certificate..Finished, 3 server CCS+Finished.
class DtlsLostFlight : public ::testing::TestWithParam<int> {};

TEST_P(DtlsLostFlight, RetransmissionAfterTimeoutCompletesHandshake) {
  Pair p;
  const int lost = GetParam();
  p.link.drop = [lost](int flight) { return flight == lost; };
  p.start();
  p.link.pump();
  EXPECT_FALSE(p.client.keys) << "the client cannot finish while a flight is missing";
  ASSERT_TRUE(p.client.transport.timeoutIn()) << "the client must have a retransmission timer armed";
  p.link.runUntilSettled();
  EXPECT_EQ(p.client.transport.state(), State::Connected);
  EXPECT_EQ(p.server.transport.state(), State::Connected);
  EXPECT_GT(p.link.flights(), 4);
  expectCrosswiseKeys(p.client, p.server);
}

INSTANTIATE_TEST_SUITE_P(EachFlight, DtlsLostFlight, ::testing::Values(0, 1, 2, 3));

TEST(DtlsTransport, TimeoutHandlerBeforeExpiryDoesNotRetransmit) {
  Peer peer(Certificate::generate());
  peer.transport.start(Role::Client, {{"sha-256", "00"}});
  peer.outbox.clear();
  peer.transport.handleTimeout();
  EXPECT_TRUE(peer.outbox.empty());
  std::this_thread::sleep_for(*peer.transport.timeoutIn());
  peer.transport.handleTimeout();
  EXPECT_EQ(peer.outbox.size(), 1u);
  EXPECT_EQ(peer.transport.state(), State::Connecting);
}

TEST(DtlsTransport, ApplicationDataFlowsBothWaysAfterHandshake) {
  Pair p;
  p.start();
  p.link.runUntilSettled();
  ASSERT_EQ(p.client.transport.state(), State::Connected);
  const std::vector<uint8_t> hello = {'h', 'i'};
  const std::vector<uint8_t> big(1000, 0x5a);
  p.client.transport.sendApplicationData(hello);
  p.server.transport.sendApplicationData(big);
  p.link.pump();
  ASSERT_EQ(p.server.received.size(), 1u);
  EXPECT_EQ(p.server.received[0], hello);
  ASSERT_EQ(p.client.received.size(), 1u);
  EXPECT_EQ(p.client.received[0], big);
  EXPECT_EQ(p.client.outbox.size(), 0u);
}

TEST(DtlsTransport, InjectedRecordAfterHandshakeIsDiscardedWithoutTearingDownTheSession) {
  Pair p;
  p.start();
  p.link.runUntilSettled();
  ASSERT_EQ(p.server.transport.state(), State::Connected);
  // Epoch 1 application_data records with bogus payloads, one shorter than a GCM nonce + tag and
  // one long enough to reach decryption: both fail authentication and must be dropped silently.
  const std::vector<uint8_t> shortSpoof = {23, 254, 253, 0, 1, 0, 0, 0, 0, 0, 9, 0, 4, 1, 2, 3, 4};
  std::vector<uint8_t> longSpoof = {23, 254, 253, 0, 1, 0, 0, 0, 0, 0, 10, 0, 40};
  longSpoof.resize(longSpoof.size() + 40, 0x99);
  p.server.transport.handleDatagram(shortSpoof);
  p.server.transport.handleDatagram(longSpoof);
  EXPECT_EQ(p.server.transport.state(), State::Connected);
  EXPECT_FALSE(p.server.failure);
  const std::vector<uint8_t> data = {7, 7, 7};
  p.client.transport.sendApplicationData(data);
  p.link.pump();
  ASSERT_EQ(p.server.received.size(), 1u);
  EXPECT_EQ(p.server.received[0], data);
}

TEST(DtlsTransport, ApplicationDataBeforeConnectedIsDropped) {
  Peer peer(Certificate::generate());
  peer.transport.start(Role::Server, {{"sha-256", "00"}});
  const std::vector<uint8_t> data = {1, 2, 3};
  peer.transport.sendApplicationData(data);
  EXPECT_TRUE(peer.outbox.empty());
}

TEST(DtlsTransport, CloseSendsCloseNotifyAndPeerReportsClosed) {
  Pair p;
  p.start();
  p.link.runUntilSettled();
  ASSERT_EQ(p.server.transport.state(), State::Connected);
  p.client.transport.close();
  EXPECT_EQ(p.client.transport.state(), State::Closed);
  p.link.pump();
  EXPECT_TRUE(p.server.closedByPeer);
  EXPECT_EQ(p.server.transport.state(), State::Closed);
  EXPECT_FALSE(p.client.closedByPeer);
  EXPECT_FALSE(p.server.transport.timeoutIn());
}

TEST(DtlsTransport, NegotiatedKeysDriveSrtpInBothDirections) {
  Pair p;
  p.start();
  p.link.runUntilSettled();
  ASSERT_TRUE(p.client.keys && p.server.keys);
  const auto profile = p.client.keys->profile;
  using Direction = srtp::SrtpSession::Direction;
  srtp::SrtpSession clientOut(profile, Direction::Outbound, p.client.keys->localMasterKeyAndSalt);
  srtp::SrtpSession clientIn(profile, Direction::Inbound, p.client.keys->remoteMasterKeyAndSalt);
  srtp::SrtpSession serverOut(profile, Direction::Outbound, p.server.keys->localMasterKeyAndSalt);
  srtp::SrtpSession serverIn(profile, Direction::Inbound, p.server.keys->remoteMasterKeyAndSalt);

  auto roundTrip = [](srtp::SrtpSession& out, srtp::SrtpSession& in, uint16_t seq) {
    std::vector<uint8_t> plain = {
        0x80, 111, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0, 0, 1, 0xca, 0xfe,
        0xba, 0xbe};
    plain.resize(plain.size() + 160, 0x42);
    std::vector<uint8_t> buf(plain.size() + srtp::SrtpSession::kMaxTrailer);
    std::copy(plain.begin(), plain.end(), buf.begin());
    auto protectedLen = out.protectRtp(buf.data(), plain.size(), buf.size());
    if (!protectedLen) return false;
    auto plainLen = in.unprotectRtp(buf.data(), *protectedLen);
    return plainLen && std::equal(plain.begin(), plain.end(), buf.begin(), buf.begin() + *plainLen) &&
           *plainLen == plain.size();
  };
  EXPECT_TRUE(roundTrip(clientOut, serverIn, 1));
  EXPECT_TRUE(roundTrip(serverOut, clientIn, 1));
  // A side must not be able to read its own outbound traffic: the directions use different keys.
  srtp::SrtpSession clientInWithOwnKey(profile, Direction::Inbound, p.client.keys->localMasterKeyAndSalt);
  EXPECT_FALSE(roundTrip(serverOut, clientInWithOwnKey, 2));
}

}  // namespace
}  // namespace jb::dtls
