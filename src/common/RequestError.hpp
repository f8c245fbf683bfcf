#pragma once

#include <stdexcept>
#include <string>

namespace jb::common {

// A control-path failure that a client should see as an error response (docs/protocol.md "Error codes").
// Control paths throw it; the request dispatcher turns it into {"ok":false,"error":{code,message}}.
class RequestError : public std::runtime_error {
 public:
  RequestError(std::string code, const std::string& message)
      : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

}  // namespace jb::common
