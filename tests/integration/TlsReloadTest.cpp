// SIGHUP-style certificate reload: HttpServer::reloadTls() with new files on disk changes the
// certificate new TLS connections see, keeps open ones working, and keeps the old certificate when
// the new files are bad.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "dtls/Certificate.hpp"
#include "dtls/Fingerprint.hpp"
#include "signaling/HttpServer.hpp"

namespace jb::signaling {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using nlohmann::json;

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class TlsReloadTest : public ::testing::Test {
 protected:
  TlsReloadTest()
      : dir_(fs::temp_directory_path() / ("jb-tls-reload-" + std::to_string(::getpid()))),
        worker_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, dtls::Certificate::generate()),
        directory_({&worker_}) {
    fs::create_directories(dir_);
    worker_.start();
  }
  ~TlsReloadTest() override {
    serverIo_.stop();
    if (serverThread_.joinable()) serverThread_.join();
    server_.reset();
    worker_.stop();
    fs::remove_all(dir_);
  }

  void install(const TlsIdentity& identity) {
    writeFile(dir_ / "cert.pem", identity.certificateChainPem);
    writeFile(dir_ / "key.pem", identity.privateKeyPem);
  }

  void startServer() {
    HttpServer::Options options;
    options.port = 0;
    options.webRoot = dir_.string();
    options.tlsCertificateFile = (dir_ / "cert.pem").string();
    options.tlsKeyFile = (dir_ / "key.pem").string();
    server_ = std::make_unique<HttpServer>(serverIo_, options, directory_, [] {
      return json{{"status", "ok"}};
    });
    server_->start();
    serverThread_ = std::thread([this] { serverIo_.run(); });
  }

  // What the SIGHUP handler does, on the server's own thread.
  bool reload() {
    std::promise<bool> done;
    asio::post(serverIo_, [&] { done.set_value(server_->reloadTls()); });
    return done.get_future().get();
  }

  std::unique_ptr<beast::ssl_stream<tcp::socket>> connect() {
    auto stream = std::make_unique<beast::ssl_stream<tcp::socket>>(clientIo_, clientTls_);
    stream->next_layer().connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    stream->handshake(asio::ssl::stream_base::client);
    return stream;
  }

  static std::string peerFingerprint(beast::ssl_stream<tcp::socket>& stream) {
    X509* peer = SSL_get1_peer_certificate(stream.native_handle());
    if (!peer) return "no certificate";
    auto fingerprint = dtls::computeFingerprint(peer, "sha-256");
    X509_free(peer);
    return fingerprint.value_or("?");
  }

  static int getHealth(beast::ssl_stream<tcp::socket>& stream) {
    http::request<http::empty_body> req{http::verb::get, "/health", 11};
    req.set(http::field::host, "localhost");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return res.result_int();
  }

  std::string newConnectionFingerprint() { return peerFingerprint(*connect()); }

  fs::path dir_;
  sfu::Worker worker_;
  RoomDirectory directory_;
  asio::io_context serverIo_;
  std::unique_ptr<HttpServer> server_;
  std::thread serverThread_;
  asio::io_context clientIo_;
  asio::ssl::context clientTls_{asio::ssl::context::tls_client};  // verify_none: test certificates
};

TEST_F(TlsReloadTest, NewConnectionsSeeTheReloadedCertificateAndOpenOnesKeepWorking) {
  const TlsIdentity first = makeSelfSignedTlsIdentity({"localhost"});
  const TlsIdentity second = makeSelfSignedTlsIdentity({"localhost"});
  ASSERT_NE(tlsFingerprintSha256(first), tlsFingerprintSha256(second));
  install(first);
  startServer();

  auto before = connect();
  EXPECT_EQ(peerFingerprint(*before), tlsFingerprintSha256(first));
  EXPECT_EQ(getHealth(*before), 200);

  install(second);
  EXPECT_EQ(newConnectionFingerprint(), tlsFingerprintSha256(first)) << "nothing changes before the reload";
  ASSERT_TRUE(reload());
  EXPECT_EQ(newConnectionFingerprint(), tlsFingerprintSha256(second));
  EXPECT_EQ(getHealth(*before), 200) << "a connection from before the reload keeps working";
}

TEST_F(TlsReloadTest, FailedReloadKeepsTheCurrentCertificate) {
  const TlsIdentity first = makeSelfSignedTlsIdentity({"localhost"});
  const TlsIdentity second = makeSelfSignedTlsIdentity({"localhost"});
  install(first);
  startServer();

  writeFile(dir_ / "key.pem", "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n");
  EXPECT_FALSE(reload());
  EXPECT_EQ(newConnectionFingerprint(), tlsFingerprintSha256(first));

  // Half-way through a renewal: the new certificate is there, the old key still.
  writeFile(dir_ / "cert.pem", second.certificateChainPem);
  writeFile(dir_ / "key.pem", first.privateKeyPem);
  EXPECT_FALSE(reload());
  EXPECT_EQ(newConnectionFingerprint(), tlsFingerprintSha256(first));

  fs::remove(dir_ / "cert.pem");
  EXPECT_FALSE(reload());
  EXPECT_EQ(newConnectionFingerprint(), tlsFingerprintSha256(first));

  install(second);
  EXPECT_TRUE(reload());
  EXPECT_EQ(newConnectionFingerprint(), tlsFingerprintSha256(second));
}

}  // namespace
}  // namespace jb::signaling
