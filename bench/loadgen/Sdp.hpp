#pragma once

#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace jb::bench {

// Just enough SDP (RFC 8866, with the WebRTC attributes of RFC 8839/8842) to publish to and subscribe
// from Janus's VideoRoom: one BUNDLEd transport, Opus + VP8, no simulcast.
struct SdpMedia {
  std::string kind;  // "audio" | "video"
  std::string mid;
  std::vector<int> payloadTypes;
  std::string direction;  // sendonly | recvonly | sendrecv | inactive
  uint16_t port = 0;      // 0: rejected m-line
};

struct SessionDescription {
  std::string iceUfrag;
  std::string icePassword;
  std::string fingerprintAlgorithm;
  std::string fingerprint;
  std::string setup;                         // actpass | active | passive
  boost::asio::ip::udp::endpoint candidate;  // first UDP host candidate
  std::vector<SdpMedia> media;
};

// Throws std::runtime_error naming the missing piece.
SessionDescription parseSdp(const std::string& sdp);

struct LocalIdentity {
  std::string iceUfrag;
  std::string icePassword;
  std::string fingerprintSha256;
  boost::asio::ip::udp::endpoint candidate;
  std::string cname;
};

std::string writePublisherOffer(const LocalIdentity& local, uint32_t audioSsrc, uint32_t videoSsrc);
// Accepts every audio/video m-line of `offer` (Opus/VP8 as offered) as recvonly, DTLS active.
std::string writeSubscriberAnswer(const LocalIdentity& local, const SessionDescription& offer);

}  // namespace jb::bench
