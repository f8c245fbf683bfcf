#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>

#include "signaling/JoinToken.hpp"

namespace jb::signaling {

// What a join must present on this server: nothing (open rooms, the default) or a join token signed
// with the operator's key. Immutable and shared by every session.
class AccessPolicy {
 public:
  // What the join is allowed, from its token (or everything in an open room).
  struct Grant {
    std::string userId;       // empty in an open room
    std::string displayName;  // from the token; empty: the client's own
    JoinPermissions permissions;
  };

  AccessPolicy() = default;
  explicit AccessPolicy(std::shared_ptr<const JoinTokenKey> key) : key_(std::move(key)) {}

  bool requiresToken() const { return key_ != nullptr; }

  // Throws common::RequestError: "token_required" (none given), "token_invalid", "token_expired".
  Grant admit(const std::string& roomId, const std::string* token,
              std::chrono::sys_seconds now =
                  std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())) const;

 private:
  std::shared_ptr<const JoinTokenKey> key_;
};

// The policy that sessions on `io` enforce. HttpServer installs it for its io_context, so the policy
// reaches each PeerSession without passing through every connection type; nothing installed means
// open rooms.
void installAccessPolicy(boost::asio::io_context& io, std::shared_ptr<const AccessPolicy> policy);
std::shared_ptr<const AccessPolicy> installedAccessPolicy(boost::asio::io_context& io);

}  // namespace jb::signaling
