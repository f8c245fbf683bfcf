#include "signaling/AccessPolicy.hpp"

#include "common/RequestError.hpp"

namespace jb::signaling {

namespace {

// Holds the installed policy for one io_context (an asio service lives exactly as long as it).
class AccessPolicyService : public boost::asio::execution_context::service {
 public:
  static inline boost::asio::execution_context::id id;

  explicit AccessPolicyService(boost::asio::execution_context& context)
      : service(context), policy(std::make_shared<AccessPolicy>()) {}

  std::shared_ptr<const AccessPolicy> policy;

 private:
  void shutdown() override {}
};

}  // namespace

AccessPolicy::Grant AccessPolicy::admit(const std::string& roomId, const std::string* token,
                                        std::chrono::sys_seconds now) const {
  if (!key_) return {};
  if (!token)
    throw common::RequestError("token_required", "this server requires a join token for every room");
  JoinClaims claims = key_->verify(*token, roomId, now);
  return {std::move(claims.userId), std::move(claims.displayName), claims.permissions};
}

void installAccessPolicy(boost::asio::io_context& io, std::shared_ptr<const AccessPolicy> policy) {
  boost::asio::use_service<AccessPolicyService>(io).policy =
      policy ? std::move(policy) : std::make_shared<AccessPolicy>();
}

std::shared_ptr<const AccessPolicy> installedAccessPolicy(boost::asio::io_context& io) {
  return boost::asio::use_service<AccessPolicyService>(io).policy;
}

}  // namespace jb::signaling
