#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace jb::signaling {

// Declarative validation of request `data` (Janus-style parameter tables): every request is checked
// here before any handler runs, so handlers can read fields without re-checking types.
enum class FieldType { String, Integer, Boolean, Object, Array };

struct FieldRule {
  const char* name;
  FieldType type;
  bool required = true;
  size_t minLength = 0;      // strings
  size_t maxLength = 0;      // strings; 0 = no limit
  const char* allowed = "";  // strings: "a|b|c" enumerates the only accepted values
  bool identifier = false;   // strings: only [A-Za-z0-9_-]
  int64_t minimum = std::numeric_limits<int64_t>::min();  // integers: accepted range
  int64_t maximum = std::numeric_limits<int64_t>::max();
};

struct MethodSchema {
  const char* method;
  bool needsJoin;
  std::vector<FieldRule> fields;
};

// nullptr for an unknown method.
const MethodSchema* findMethodSchema(const std::string& method);

// Throws common::RequestError("invalid_request", "data.<field>: <why>").
void validateRequestData(const MethodSchema& schema, const nlohmann::json& data);

}  // namespace jb::signaling
