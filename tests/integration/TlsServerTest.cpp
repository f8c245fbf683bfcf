// HTTPS and WSS: the same server with --tls-cert/--tls-key, reached by a TLS client on loopback.
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "dtls/Certificate.hpp"
#include "signaling/HttpServer.hpp"

namespace jb::signaling {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using nlohmann::json;

// Writes a throwaway self-signed certificate and key as PEM files.
void writePem(const dtls::Certificate& certificate, const fs::path& certFile, const fs::path& keyFile) {
  FILE* c = std::fopen(certFile.c_str(), "w");
  ASSERT_NE(c, nullptr);
  PEM_write_X509(c, certificate.x509());
  std::fclose(c);
  FILE* k = std::fopen(keyFile.c_str(), "w");
  ASSERT_NE(k, nullptr);
  PEM_write_PrivateKey(k, certificate.privateKey(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(k);
}

TEST(TlsServer, ServesHealthOverHttpsAndSignalingOverWss) {
  fs::path dir = fs::temp_directory_path() / ("jb-tls-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto certificate = dtls::Certificate::generate();
  writePem(*certificate, dir / "cert.pem", dir / "key.pem");

  sfu::Worker worker(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, certificate);
  worker.start();
  RoomDirectory directory({&worker});
  asio::io_context serverIo;
  HttpServer::Options options;
  options.port = 0;
  options.webRoot = dir.string();
  options.tlsCertificateFile = (dir / "cert.pem").string();
  options.tlsKeyFile = (dir / "key.pem").string();
  auto server = std::make_unique<HttpServer>(serverIo, options, directory, [] {
    return json{{"status", "ok"}};
  });
  ASSERT_TRUE(server->tls());
  server->start();
  std::thread serverThread([&] { serverIo.run(); });

  asio::io_context clientIo;
  asio::ssl::context clientTls(asio::ssl::context::tls_client);
  clientTls.set_verify_mode(asio::ssl::verify_none);  // self-signed test certificate
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), server->port());

  {
    beast::ssl_stream<tcp::socket> stream(clientIo, clientTls);
    stream.next_layer().connect(endpoint);
    stream.handshake(asio::ssl::stream_base::client);
    http::request<http::empty_body> req{http::verb::get, "/health", 11};
    req.set(http::field::host, "localhost");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(json::parse(res.body())["status"], "ok");
  }
  {
    beast::websocket::stream<beast::ssl_stream<tcp::socket>> ws(clientIo, clientTls);
    ws.next_layer().next_layer().connect(endpoint);
    ws.next_layer().handshake(asio::ssl::stream_base::client);
    ws.handshake("localhost", "/ws");
    ws.write(asio::buffer(json{{"request", true}, {"id", 1}, {"method", "getRouterRtpCapabilities"}}.dump()));
    beast::flat_buffer buffer;
    ws.read(buffer);
    json reply = json::parse(beast::buffers_to_string(buffer.data()));
    EXPECT_TRUE(reply["ok"].get<bool>());
  }
  {
    // A plain-HTTP client gets nothing from a TLS port, and the server is unaffected.
    tcp::socket plain(clientIo);
    plain.connect(endpoint);
    asio::write(plain, asio::buffer(std::string("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")));
    char byte;
    boost::system::error_code ec;
    plain.read_some(asio::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec || byte == 0x15) << "expected a TLS alert or a closed socket";
  }

  serverIo.stop();
  serverThread.join();
  server.reset();
  worker.stop();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace jb::signaling
