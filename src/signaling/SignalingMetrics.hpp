#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace jb::signaling {

// Counters of the signaling side (docs/protocol.md "Metrics"). Signaling thread only, like the
// sessions that bump them and the HTTP handler that reads them, so plain integers suffice.
class SignalingMetrics {
 public:
  // `method` as the client sent it; anything not in the request table is counted as "unknown" so a
  // client cannot grow the label set.
  void countRequest(std::string_view method);
  void countError(std::string_view method, std::string_view code);
  // `kind`: message_size, message_rate, ip_sessions, room_peers (the media limits are counted by workers).
  void countLimitRejection(std::string_view kind);
  void countOriginRejection() { ++originRejections_; }
  // A session the server ended: "abuse" (1008) or "ice_consent_expired" (4001).
  void countServerClose(std::string_view reason);
  // Session resumption (docs/protocol.md "Reconnect"): "ok", "failed" (refused resume), "expired"
  // (a parked peer removed at the end of its grace period, or when its media closed).
  void countResume(std::string_view outcome);
  void sessionOpened() { ++sessionsOpen_; }
  void sessionClosed() { --sessionsOpen_; }

  const std::map<std::string, uint64_t, std::less<>>& requests() const { return requests_; }
  const std::map<std::pair<std::string, std::string>, uint64_t>& errors() const { return errors_; }
  const std::map<std::string, uint64_t, std::less<>>& limitRejections() const { return limitRejections_; }
  uint64_t originRejections() const { return originRejections_; }
  const std::map<std::string, uint64_t, std::less<>>& serverCloses() const { return serverCloses_; }
  int64_t sessionsOpen() const { return sessionsOpen_; }
  const std::map<std::string, uint64_t, std::less<>>& resumes() const { return resumes_; }

  // Every limit kind signaling enforces, so each series exists (at 0) before the first rejection.
  static constexpr std::string_view kLimitKinds[] = {"message_size", "message_rate", "ip_sessions",
                                                     "room_peers"};
  static constexpr std::string_view kServerCloseReasons[] = {"abuse", "ice_consent_expired"};
  static constexpr std::string_view kResumeOutcomes[] = {"ok", "failed", "expired"};

 private:
  std::map<std::string, uint64_t, std::less<>> requests_;
  std::map<std::pair<std::string, std::string>, uint64_t> errors_;
  std::map<std::string, uint64_t, std::less<>> limitRejections_;
  uint64_t originRejections_ = 0;
  std::map<std::string, uint64_t, std::less<>> serverCloses_;
  int64_t sessionsOpen_ = 0;
  std::map<std::string, uint64_t, std::less<>> resumes_;
};

}  // namespace jb::signaling
