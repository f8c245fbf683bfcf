#include <gtest/gtest.h>

#include <boost/asio/ip/udp.hpp>
#include <fstream>
#include <future>
#include <random>
#include <regex>
#include <thread>

#include "Exposition.hpp"
#include "dtls/Certificate.hpp"
#include "signaling/MetricsReport.hpp"
#include "signaling/PrometheusText.hpp"

namespace jb::signaling {
namespace {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using jb::testing::parseExposition;
using namespace std::chrono_literals;

TEST(PrometheusText, WritesHelpTypeAndEscapedLabels) {
  PrometheusText out;
  out.family("jb_things_total", "counter", "Things.\nMore \\ text.");
  out.sample({{"name", "a\"b\\c\nd"}}, uint64_t{3});
  out.sample({}, int64_t{-2});
  out.family("jb_ratio", "gauge", "A ratio.");
  out.sample({{"x", "1"}, {"y", "2"}}, 0.5);
  EXPECT_EQ(out.text(),
            "# HELP jb_things_total Things.\\nMore \\\\ text.\n"
            "# TYPE jb_things_total counter\n"
            "jb_things_total{name=\"a\\\"b\\\\c\\nd\"} 3\n"
            "jb_things_total -2\n"
            "# HELP jb_ratio A ratio.\n"
            "# TYPE jb_ratio gauge\n"
            "jb_ratio{x=\"1\",y=\"2\"} 0.5\n");
}

class MetricsReportTest : public ::testing::Test {
 protected:
  MetricsReportTest()
      : worker_(0, sfu::Worker::Options{"127.0.0.1", "127.0.0.1", 0}, dtls::Certificate::generate()),
        directory_({&worker_}) {
    worker_.start();
  }
  ~MetricsReportTest() override { worker_.stop(); }

  sfu::Worker worker_;
  RoomDirectory directory_;
};

TEST_F(MetricsReportTest, EveryFamilyIsWellFormedAndPrefixed) {
  auto exposition = parseExposition(renderMetrics(directory_));
  for (const auto& [name, type] : exposition.types) EXPECT_TRUE(name.starts_with("jb_")) << name;
  for (const char* name : {"jb_rooms", "jb_peers", "jb_websocket_sessions", "jb_routers", "jb_transports",
                           "jb_producers", "jb_consumers", "jb_worker_up"})
    EXPECT_EQ(exposition.types[name], "gauge") << name;
  for (const char* name : {"jb_udp_packets_received_total",  "jb_udp_bytes_received_total",
                           "jb_udp_packets_sent_total",      "jb_udp_bytes_sent_total",
                           "jb_rtp_packets_received_total",  "jb_rtp_bytes_received_total",
                           "jb_rtp_packets_sent_total",      "jb_rtp_bytes_sent_total",
                           "jb_rtcp_packets_received_total", "jb_rtcp_bytes_received_total",
                           "jb_rtcp_packets_sent_total",     "jb_rtcp_bytes_sent_total",
                           "jb_nacks_received_total",        "jb_plis_received_total",
                           "jb_firs_received_total",         "jb_plis_sent_total",
                           "jb_retransmissions_sent_total",  "jb_ice_consent_expirations_total",
                           "jb_media_drops_total",           "jb_signaling_requests_total",
                           "jb_signaling_errors_total",      "jb_limit_rejections_total",
                           "jb_origin_rejections_total",     "jb_sessions_closed_by_server_total"})
    EXPECT_EQ(exposition.types[name], "counter") << name;
  // Series that dashboards plot exist at 0 before anything happens.
  EXPECT_EQ(exposition.value("jb_media_drops_total", {{"worker", "0"}, {"reason", "srtp_failure"}}), 0);
  EXPECT_EQ(exposition.value("jb_limit_rejections_total", {{"kind", "room_peers"}}), 0);
  EXPECT_EQ(exposition.value("jb_limit_rejections_total", {{"kind", "consumers"}}), 0);
  EXPECT_EQ(exposition.value("jb_retransmissions_sent_total"), 0);
  EXPECT_EQ(exposition.value("jb_worker_up", {{"worker", "0"}}), 1);
}

TEST_F(MetricsReportTest, GarbageOnTheMediaPortRaisesDropCounters) {
  auto before = parseExposition(renderMetrics(directory_));
  asio::io_context io;
  udp::socket client(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const udp::endpoint server(asio::ip::make_address("127.0.0.1"), worker_.port());
  std::mt19937 rng(11);
  for (int i = 0; i < 200; ++i) {
    std::vector<uint8_t> junk(1 + rng() % 600);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    client.send_to(asio::buffer(junk), server);
  }
  jb::testing::Exposition after;
  for (int i = 0; i < 200; ++i) {
    after = parseExposition(renderMetrics(directory_));
    if (after.value("jb_udp_packets_received_total") >= 200) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(after.value("jb_udp_packets_received_total", {{"worker", "0"}}) -
                before.value("jb_udp_packets_received_total", {{"worker", "0"}}),
            200);
  EXPECT_EQ(after.value("jb_media_drops_total") - before.value("jb_media_drops_total"), 200)
      << "every garbage datagram is dropped and counted under some reason";
  EXPECT_GT(after.value("jb_media_drops_total", {{"reason", "unknown_kind"}}), 0);
  EXPECT_EQ(after.value("jb_udp_packets_sent_total"), 0) << "garbage is never answered";
}

TEST_F(MetricsReportTest, SignalingCountersAppearWithLabels) {
  SignalingMetrics& m = directory_.metrics();
  m.countRequest("join");
  m.countRequest("launchMissiles");
  m.countError("launchMissiles", "unknown_method");
  m.countError("consume", "not_joined");
  m.countLimitRejection("ip_sessions");
  m.countServerClose("abuse");
  m.sessionOpened();
  auto e = parseExposition(renderMetrics(directory_));
  EXPECT_EQ(e.value("jb_signaling_requests_total", {{"method", "join"}}), 1);
  EXPECT_EQ(e.value("jb_signaling_requests_total", {{"method", "unknown"}}), 1)
      << "methods a client makes up do not become labels";
  EXPECT_EQ(e.value("jb_signaling_errors_total", {{"method", "unknown"}, {"code", "unknown_method"}}), 1);
  EXPECT_EQ(e.value("jb_signaling_errors_total", {{"method", "consume"}, {"code", "not_joined"}}), 1);
  EXPECT_EQ(e.value("jb_limit_rejections_total", {{"kind", "ip_sessions"}}), 1);
  EXPECT_EQ(e.value("jb_sessions_closed_by_server_total", {{"reason", "abuse"}}), 1);
  EXPECT_EQ(e.value("jb_websocket_sessions"), 1);
}

TEST_F(MetricsReportTest, RoomsAndMediaGaugesFollowTheDirectoryAndWorker) {
  auto room = directory_.joinRoom("r1");
  std::promise<void> done;
  worker_.post([&] {
    worker_.router("r1").createWebRtcTransport("p");
    done.set_value();
  });
  done.get_future().get();
  auto e = parseExposition(renderMetrics(directory_));
  EXPECT_EQ(e.value("jb_rooms"), 1);
  EXPECT_EQ(e.value("jb_routers", {{"worker", "0"}}), 1);
  EXPECT_EQ(e.value("jb_transports", {{"worker", "0"}}), 1);
  EXPECT_EQ(e.value("jb_producers"), 0);
}

TEST_F(MetricsReportTest, GrafanaDashboardUsesOnlyExportedMetrics) {
  std::ifstream file(std::string(JB_SOURCE_DIR) + "/deploy/grafana/jbcalling.json");
  ASSERT_TRUE(file) << "deploy/grafana/jbcalling.json";
  nlohmann::json dashboard = nlohmann::json::parse(file);  // throws if it is not valid JSON
  EXPECT_EQ(dashboard["uid"], "jbcalling");
  auto exported = parseExposition(renderMetrics(directory_)).types;
  static const std::regex name(R"(jb_[a-z_]+)");
  size_t queries = 0;
  for (const auto& panel : dashboard["panels"]) {
    if (!panel.contains("targets")) continue;
    for (const auto& target : panel["targets"]) {
      const std::string expr = target["expr"];
      ++queries;
      for (auto it = std::sregex_iterator(expr.begin(), expr.end(), name); it != std::sregex_iterator();
           ++it) {
        std::string metric = it->str();
        if (metric.ends_with("_bucket") && exported.contains(metric.substr(0, metric.size() - 7)))
          metric.resize(metric.size() - 7);  // a histogram's buckets
        EXPECT_TRUE(exported.contains(metric)) << panel["title"] << ": " << metric << " is not exported";
      }
    }
  }
  EXPECT_GE(queries, 10u);
}

}  // namespace
}  // namespace jb::signaling
