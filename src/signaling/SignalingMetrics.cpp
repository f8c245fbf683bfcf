#include "signaling/SignalingMetrics.hpp"

#include "signaling/RequestSchema.hpp"

namespace jb::signaling {

namespace {
std::string methodLabel(std::string_view method) {
  std::string name(method);
  return findMethodSchema(name) ? name : "unknown";
}
}  // namespace

void SignalingMetrics::countRequest(std::string_view method) {
  ++requests_[methodLabel(method)];
}

void SignalingMetrics::countError(std::string_view method, std::string_view code) {
  ++errors_[{methodLabel(method), std::string(code)}];
}

namespace {
void increment(std::map<std::string, uint64_t, std::less<>>& counters, std::string_view key) {
  auto it = counters.find(key);
  if (it == counters.end()) it = counters.emplace(std::string(key), 0).first;
  ++it->second;
}
}  // namespace

void SignalingMetrics::countLimitRejection(std::string_view kind) {
  increment(limitRejections_, kind);
}

void SignalingMetrics::countServerClose(std::string_view reason) {
  increment(serverCloses_, reason);
}

void SignalingMetrics::countResume(std::string_view outcome) {
  increment(resumes_, outcome);
}

}  // namespace jb::signaling
