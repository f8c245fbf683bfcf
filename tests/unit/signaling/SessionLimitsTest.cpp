// The small pieces behind docs/protocol.md "Limits": origin checks, per-address session caps, the
// abuse error budget and /ready's check registry.
#include <gtest/gtest.h>

#include "signaling/AddressSessionLimiter.hpp"
#include "signaling/ErrorBudget.hpp"
#include "signaling/OriginPolicy.hpp"
#include "signaling/Readiness.hpp"

namespace jb::signaling {
namespace {

using namespace std::chrono_literals;

TEST(OriginPolicy, AllowsNoOriginAndSameOriginOnlyByDefault) {
  OriginPolicy policy;
  EXPECT_TRUE(policy.allows("", "calls.example.com")) << "non-browser clients send no Origin";
  EXPECT_TRUE(policy.allows("http://localhost:8080", "localhost:8080"));
  EXPECT_TRUE(policy.allows("https://Calls.Example.com", "calls.example.com"));
  EXPECT_TRUE(policy.allows("https://calls.example.com", "calls.example.com:443"));
  EXPECT_TRUE(policy.allows("http://[::1]:8080", "[::1]:8080"));
  EXPECT_FALSE(policy.allows("http://localhost:9000", "localhost:8080")) << "another port is another origin";
  EXPECT_FALSE(policy.allows("https://evil.example", "calls.example.com"));
  EXPECT_FALSE(policy.allows("http://calls.example.com", "calls.example.com:443"));
  EXPECT_FALSE(policy.allows("null", "calls.example.com")) << "sandboxed frames and file://";
  EXPECT_FALSE(policy.allows("https://calls.example.com", ""));
}

TEST(OriginPolicy, AllowListAddsOrigins) {
  OriginPolicy policy({"https://app.example.com/", "http://localhost:5173"});
  EXPECT_TRUE(policy.allows("https://app.example.com", "media.example.com"));
  EXPECT_TRUE(policy.allows("http://localhost:5173", "localhost:8080")) << "a dev server on another port";
  EXPECT_TRUE(policy.allows("https://media.example.com", "media.example.com")) << "our own pages still work";
  EXPECT_FALSE(policy.allows("https://app.example.com.evil.example", "media.example.com"));
  EXPECT_TRUE(OriginPolicy({"*"}).allows("https://anything.example", "media.example.com"));
}

TEST(AddressSessionLimiter, CapsConcurrentLeasesPerAddress) {
  AddressSessionLimiter limiter(2);
  const auto a = boost::asio::ip::make_address("192.0.2.1");
  const auto b = boost::asio::ip::make_address("192.0.2.2");
  auto first = limiter.tryAcquire(a);
  auto second = limiter.tryAcquire(a);
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(limiter.tryAcquire(a));
  EXPECT_TRUE(limiter.tryAcquire(b)) << "other addresses are not affected";
  first.reset();
  EXPECT_EQ(limiter.sessions(a), 1u);
  EXPECT_TRUE(limiter.tryAcquire(a)) << "a closed session frees its slot";
  EXPECT_TRUE(AddressSessionLimiter(0).tryAcquire(a)) << "0 is unlimited";
}

TEST(AddressSessionLimiter, LeaseOutlivingTheLimiterIsHarmless) {
  std::optional<AddressSessionLimiter::Lease> lease;
  {
    AddressSessionLimiter limiter(1);
    lease = limiter.tryAcquire(boost::asio::ip::make_address("192.0.2.1"));
  }
  lease.reset();  // must not touch freed memory (checked under ASan)
}

TEST(ErrorBudget, ExhaustedOnlyWhenErrorsCrowdIntoTheWindow) {
  ErrorBudget budget(3, 10s);
  ErrorBudget::Clock::time_point t{};
  EXPECT_FALSE(budget.spend(t));
  EXPECT_FALSE(budget.spend(t + 1s));
  EXPECT_FALSE(budget.spend(t + 10500ms)) << "the first error has left the window";
  EXPECT_TRUE(budget.spend(t + 10800ms)) << "three within ten seconds";
  ErrorBudget never(0, 10s);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(never.spend(t));
}

TEST(Readiness, ReadyOnlyWhenEveryRegisteredCheckPasses) {
  Readiness readiness;
  EXPECT_EQ(readiness.evaluate(), (nlohmann::json{{"ready", true}, {"checks", nlohmann::json::object()}}));
  bool turn = false;
  readiness.add("workers", [] { return true; });
  readiness.add("turn", [&] { return turn; });
  readiness.add("engines", []() -> bool { throw std::runtime_error("cannot tell"); });
  auto report = readiness.evaluate();
  EXPECT_FALSE(report["ready"].get<bool>());
  EXPECT_EQ(report["checks"], (nlohmann::json{{"workers", true}, {"turn", false}, {"engines", false}}));
  readiness.remove("engines");
  turn = true;
  EXPECT_TRUE(readiness.evaluate()["ready"].get<bool>());
}

}  // namespace
}  // namespace jb::signaling
