#include <boost/asio/ip/address.hpp>

#include "../unit/ice/Rfc5769Vectors.hpp"
#include "FuzzSeeds.hpp"
#include "ice/StunMessage.hpp"

namespace jb::fuzz {

Seeds stunSeeds() {
  namespace tv = ice::testvectors;
  using ice::StunMessage;
  std::vector<std::vector<uint8_t>> out{{tv::kRequest.begin(), tv::kRequest.end()},
                                        {tv::kIpv4Response.begin(), tv::kIpv4Response.end()},
                                        {tv::kIpv6Response.begin(), tv::kIpv6Response.end()}};
  auto request = StunMessage::makeRequest(StunMessage::kBinding, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
  request.setUsername("abcd:efgh");
  request.setPriority(0x6e0001ff);
  request.setUseCandidate(true);
  request.setIceControlling(42);
  out.push_back(request.serialize("password", true));
  auto response = StunMessage::makeSuccessResponse(request);
  response.setXorMappedAddress({boost::asio::ip::make_address("2001:db8::5"), 443});
  out.push_back(response.serialize("password", true));
  out.push_back(StunMessage::makeErrorResponse(request, 487, "Role Conflict").serialize("", true));
  return out;
}

}  // namespace jb::fuzz
