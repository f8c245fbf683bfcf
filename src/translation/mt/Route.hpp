#pragma once

#include <string>
#include <vector>

#include "translation/mt/LanguagePair.hpp"

namespace jb::translation {

// How one language reaches another: directly, or through pivot languages (via), e.g.
// en->pt via {"es"} runs en->es then es->pt. from == to is a route with no hops.
struct Route {
  std::string from;
  std::string to;
  std::vector<std::string> via;

  std::vector<LanguagePair> hops() const;
  bool operator==(const Route&) const = default;
};

inline std::vector<LanguagePair> Route::hops() const {
  std::vector<LanguagePair> result;
  if (from == to) return result;
  std::string at = from;
  for (const auto& pivot : via) {
    result.push_back({at, pivot});
    at = pivot;
  }
  result.push_back({at, to});
  return result;
}

// The capabilities report lists routes as they are.
using RouteInfo = Route;

}  // namespace jb::translation
