#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace jb::signaling {

// GET /ready: the named dependency checks this node needs before it should get traffic (workers
// running, web app built, and whatever later features register: token secret, TURN, engines).
// Checks run on the signaling thread when /ready is asked; keep them cheap and non-blocking.
class Readiness {
 public:
  using Check = std::function<bool()>;

  // Adds a check, or replaces the one of the same name.
  void add(std::string name, Check check);
  void remove(const std::string& name);

  // {"ready": all checks pass, "checks": {name: bool, ...}}
  nlohmann::json evaluate() const;

 private:
  std::vector<std::pair<std::string, Check>> checks_;
};

}  // namespace jb::signaling
