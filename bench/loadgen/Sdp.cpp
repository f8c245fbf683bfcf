#include "Sdp.hpp"

#include <fmt/format.h>

#include <sstream>
#include <stdexcept>

namespace jb::bench {

namespace {

std::string sessionHeader(const LocalIdentity& local, const std::vector<std::string>& mids) {
  std::string bundle;
  for (const auto& mid : mids) bundle += " " + mid;
  return fmt::format(
      "v=0\r\no=- {} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE{}\r\na=msid-semantic: WMS jb\r\n",
      std::hash<std::string>{}(local.iceUfrag) % 1000000000, bundle);
}

std::string transportLines(const LocalIdentity& local, const std::string& setup) {
  return fmt::format(
      "c=IN IP4 {0}\r\na=ice-ufrag:{1}\r\na=ice-pwd:{2}\r\na=fingerprint:sha-256 {3}\r\na=setup:{4}\r\n"
      "a=candidate:1 1 udp 2130706431 {0} {5} typ host\r\na=end-of-candidates\r\na=rtcp-mux\r\n",
      local.candidate.address().to_string(), local.iceUfrag, local.icePassword, local.fingerprintSha256,
      setup, local.candidate.port());
}

std::string codecLines(const std::string& kind, int pt) {
  if (kind == "audio")
    return fmt::format("a=rtpmap:{} opus/48000/2\r\na=fmtp:{} minptime=10;useinbandfec=1\r\n", pt, pt);
  return fmt::format(
      "a=rtpmap:{0} VP8/90000\r\na=rtcp-fb:{0} nack\r\na=rtcp-fb:{0} nack pli\r\na=rtcp-fb:{0} ccm fir\r\n",
      pt);
}

}  // namespace

SessionDescription parseSdp(const std::string& sdp) {
  SessionDescription out;
  std::istringstream lines(sdp);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto value = [&](const char* prefix) { return line.substr(std::char_traits<char>::length(prefix)); };
    if (line.starts_with("m=")) {
      std::istringstream m(value("m="));
      SdpMedia media;
      std::string proto;
      m >> media.kind >> media.port >> proto;
      for (int pt; m >> pt;) media.payloadTypes.push_back(pt);
      out.media.push_back(media);
    } else if (line.starts_with("a=mid:") && !out.media.empty()) {
      out.media.back().mid = value("a=mid:");
    } else if ((line == "a=sendonly" || line == "a=recvonly" || line == "a=sendrecv" ||
                line == "a=inactive") &&
               !out.media.empty()) {
      out.media.back().direction = value("a=");
    } else if (line.starts_with("a=ice-ufrag:") && out.iceUfrag.empty()) {
      out.iceUfrag = value("a=ice-ufrag:");
    } else if (line.starts_with("a=ice-pwd:") && out.icePassword.empty()) {
      out.icePassword = value("a=ice-pwd:");
    } else if (line.starts_with("a=fingerprint:") && out.fingerprint.empty()) {
      std::istringstream f(value("a=fingerprint:"));
      f >> out.fingerprintAlgorithm >> out.fingerprint;
    } else if (line.starts_with("a=setup:") && out.setup.empty()) {
      out.setup = value("a=setup:");
    } else if (line.starts_with("a=candidate:") && out.candidate.port() == 0) {
      std::istringstream c(value("a=candidate:"));
      std::string foundation, component, protocol, priority, ip, typ, type;
      uint16_t port = 0;
      c >> foundation >> component >> protocol >> priority >> ip >> port >> typ >> type;
      boost::system::error_code ec;
      auto address = boost::asio::ip::make_address(ip, ec);
      if (!ec && (protocol == "udp" || protocol == "UDP") && address.is_v4())
        out.candidate = boost::asio::ip::udp::endpoint(address, port);
    }
  }
  if (out.iceUfrag.empty() || out.icePassword.empty()) throw std::runtime_error("SDP has no ICE credentials");
  if (out.fingerprint.empty()) throw std::runtime_error("SDP has no DTLS fingerprint");
  if (out.candidate.port() == 0) throw std::runtime_error("SDP has no UDP IPv4 candidate");
  return out;
}

std::string writePublisherOffer(const LocalIdentity& local, uint32_t audioSsrc, uint32_t videoSsrc) {
  std::string sdp = sessionHeader(local, {"0", "1"});
  const uint16_t port = local.candidate.port();
  sdp += fmt::format("m=audio {} UDP/TLS/RTP/SAVPF 111\r\n", port) + transportLines(local, "actpass") +
         "a=mid:0\r\na=sendonly\r\n" + codecLines("audio", 111) +
         fmt::format("a=ssrc:{} cname:{}\r\na=ssrc:{} msid:jb audio\r\n", audioSsrc, local.cname, audioSsrc);
  sdp += fmt::format("m=video {} UDP/TLS/RTP/SAVPF 96\r\n", port) + transportLines(local, "actpass") +
         "a=mid:1\r\na=sendonly\r\n" + codecLines("video", 96) +
         fmt::format("a=ssrc:{} cname:{}\r\na=ssrc:{} msid:jb video\r\n", videoSsrc, local.cname, videoSsrc);
  return sdp;
}

std::string writeSubscriberAnswer(const LocalIdentity& local, const SessionDescription& offer) {
  std::vector<std::string> mids;
  for (const auto& m : offer.media)
    if (m.port != 0 && (m.kind == "audio" || m.kind == "video")) mids.push_back(m.mid);
  std::string sdp = sessionHeader(local, mids);
  for (const auto& m : offer.media) {
    if (m.kind != "audio" && m.kind != "video") {
      sdp += fmt::format("m={} 0 {} \r\n", m.kind, "UDP/DTLS/SCTP webrtc-datachannel");
      continue;
    }
    const int pt = m.payloadTypes.empty() ? (m.kind == "audio" ? 111 : 96) : m.payloadTypes.front();
    if (m.port == 0) {
      sdp += fmt::format("m={} 0 UDP/TLS/RTP/SAVPF {}\r\na=mid:{}\r\na=inactive\r\n", m.kind, pt, m.mid);
      continue;
    }
    sdp += fmt::format("m={} {} UDP/TLS/RTP/SAVPF {}\r\n", m.kind, local.candidate.port(), pt) +
           transportLines(local, "active") + fmt::format("a=mid:{}\r\na=recvonly\r\n", m.mid) +
           codecLines(m.kind, pt);
  }
  return sdp;
}

}  // namespace jb::bench
