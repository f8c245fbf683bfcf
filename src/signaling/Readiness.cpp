#include "signaling/Readiness.hpp"

#include <algorithm>

namespace jb::signaling {

void Readiness::add(std::string name, Check check) {
  auto it = std::find_if(checks_.begin(), checks_.end(), [&](const auto& c) { return c.first == name; });
  if (it != checks_.end())
    it->second = std::move(check);
  else
    checks_.emplace_back(std::move(name), std::move(check));
}

void Readiness::remove(const std::string& name) {
  std::erase_if(checks_, [&](const auto& c) { return c.first == name; });
}

nlohmann::json Readiness::evaluate() const {
  bool ready = true;
  nlohmann::json checks = nlohmann::json::object();
  for (const auto& [name, check] : checks_) {
    bool ok = false;
    try {
      ok = check();
    } catch (const std::exception&) {
      ok = false;  // a check that cannot tell is not ready
    }
    checks[name] = ok;
    ready = ready && ok;
  }
  return {{"ready", ready}, {"checks", checks}};
}

}  // namespace jb::signaling
