#include <string>

#include "FuzzSeeds.hpp"

namespace jb::fuzz {

Seeds sdpSeeds() {
  // The shape of Janus VideoRoom's answers and subscriber offers (trimmed), and one without candidates.
  const std::string answer =
      "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=VideoRoom 1\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
      "a=fingerprint:sha-256 "
      "15:4F:30:F9:FC:EE:40:AB:BA:AD:E6:6D:CB:AF:5E:F3:C3:DD:64:C7:35:77:0C:B1:E2:59:68:37:19:A6:52:D6\r\n"
      "a=ice-lite\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 "
      "127.0.0.1\r\na=sendonly\r\na=mid:0\r\na=rtcp-mux\r\n"
      "a=ice-ufrag:iEHB\r\na=ice-pwd:dnjJTumy1M77KlN0ndDVB9\r\na=setup:actpass\r\na=rtpmap:111 "
      "opus/48000/2\r\n"
      "a=candidate:1 1 udp 2015363327 10.250.0.1 20517 typ host\r\na=end-of-candidates\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 127.0.0.1\r\na=sendonly\r\na=mid:1\r\na=rtpmap:96 "
      "VP8/90000\r\n"
      "m=application 0 UDP/DTLS/SCTP webrtc-datachannel\r\na=mid:2\r\n";
  Seeds out;
  out.emplace_back(answer.begin(), answer.end());
  const std::string noCandidate = answer.substr(0, answer.find("a=candidate"));
  out.emplace_back(noCandidate.begin(), noCandidate.end());
  return out;
}

}  // namespace jb::fuzz
