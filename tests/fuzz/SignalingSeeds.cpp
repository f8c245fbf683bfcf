#include <string>

#include "FuzzSeeds.hpp"

namespace jb::fuzz {

namespace {

// mediasoup-client 3 on Chrome: device.rtpCapabilities as sent with join (abridged to what matters).
constexpr const char* kJoin = R"({"request":true,"id":2,"method":"join","data":{"roomId":"k3Jd9-x_Q",
"displayName":"Ada Lovelace","rtpCapabilities":{"codecs":[
{"mimeType":"audio/opus","kind":"audio","preferredPayloadType":100,"clockRate":48000,"channels":2,
 "parameters":{"minptime":10,"useinbandfec":1},"rtcpFeedback":[{"type":"transport-cc","parameter":""}]},
{"mimeType":"video/VP8","kind":"video","preferredPayloadType":101,"clockRate":90000,"parameters":{},
 "rtcpFeedback":[{"type":"goog-remb","parameter":""},{"type":"transport-cc","parameter":""},
 {"type":"ccm","parameter":"fir"},{"type":"nack","parameter":""},{"type":"nack","parameter":"pli"}]},
{"mimeType":"video/rtx","kind":"video","preferredPayloadType":102,"clockRate":90000,"parameters":{"apt":101},
 "rtcpFeedback":[]},
{"mimeType":"video/H264","kind":"video","preferredPayloadType":103,"clockRate":90000,
 "parameters":{"level-asymmetry-allowed":1,"packetization-mode":1,"profile-level-id":"42e01f"},
 "rtcpFeedback":[{"type":"nack","parameter":""},{"type":"nack","parameter":"pli"}]}],
"headerExtensions":[
{"kind":"audio","uri":"urn:ietf:params:rtp-hdrext:sdes:mid","preferredId":1,"preferredEncrypt":false,"direction":"sendrecv"},
{"kind":"video","uri":"urn:ietf:params:rtp-hdrext:sdes:mid","preferredId":1,"preferredEncrypt":false,"direction":"sendrecv"},
{"kind":"audio","uri":"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time","preferredId":4,"preferredEncrypt":false,"direction":"sendrecv"},
{"kind":"video","uri":"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time","preferredId":4,"preferredEncrypt":false,"direction":"sendrecv"},
{"kind":"audio","uri":"urn:ietf:params:rtp-hdrext:ssrc-audio-level","preferredId":10,"preferredEncrypt":false,"direction":"sendrecv"},
{"kind":"video","uri":"urn:3gpp:video-orientation","preferredId":11,"preferredEncrypt":false,"direction":"sendrecv"},
{"kind":"video","uri":"urn:ietf:params:rtp-hdrext:toffset","preferredId":12,"preferredEncrypt":false,"direction":"sendrecv"}]}}})";

// transport.produce() for a camera: what mediasoup-client puts in rtpParameters.
constexpr const char* kProduceVideo = R"({"request":true,"id":6,"method":"produce","data":{
"transportId":"t_8f2Kq","kind":"video","rtpParameters":{"mid":"0","codecs":[
{"mimeType":"video/VP8","payloadType":96,"clockRate":90000,"parameters":{},"rtcpFeedback":[
 {"type":"goog-remb","parameter":""},{"type":"transport-cc","parameter":""},{"type":"ccm","parameter":"fir"},
 {"type":"nack","parameter":""},{"type":"nack","parameter":"pli"}]},
{"mimeType":"video/rtx","payloadType":97,"clockRate":90000,"parameters":{"apt":96},"rtcpFeedback":[]}],
"headerExtensions":[
{"uri":"urn:ietf:params:rtp-hdrext:sdes:mid","id":4,"encrypt":false,"parameters":{}},
{"uri":"urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id","id":10,"encrypt":false,"parameters":{}},
{"uri":"urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id","id":11,"encrypt":false,"parameters":{}},
{"uri":"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time","id":2,"encrypt":false,"parameters":{}},
{"uri":"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01","id":3,"encrypt":false,"parameters":{}},
{"uri":"urn:3gpp:video-orientation","id":13,"encrypt":false,"parameters":{}},
{"uri":"urn:ietf:params:rtp-hdrext:toffset","id":14,"encrypt":false,"parameters":{}}],
"encodings":[{"active":true,"scalabilityMode":"L1T3","ssrc":2891640171,"rtx":{"ssrc":1303584211},"dtx":false}],
"rtcp":{"cname":"Fp2V0hxH1K3Rp6lg","reducedSize":true}},"appData":{"source":"webcam"}}})";

constexpr const char* kProduceAudio = R"({"request":true,"id":5,"method":"produce","data":{
"transportId":"t_8f2Kq","kind":"audio","rtpParameters":{"mid":"1","codecs":[
{"mimeType":"audio/opus","payloadType":111,"clockRate":48000,"channels":2,
 "parameters":{"minptime":10,"useinbandfec":1,"usedtx":1},"rtcpFeedback":[{"type":"transport-cc","parameter":""}]}],
"headerExtensions":[
{"uri":"urn:ietf:params:rtp-hdrext:sdes:mid","id":4,"encrypt":false,"parameters":{}},
{"uri":"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time","id":2,"encrypt":false,"parameters":{}},
{"uri":"urn:ietf:params:rtp-hdrext:ssrc-audio-level","id":1,"encrypt":false,"parameters":{}}],
"encodings":[{"ssrc":3870127463,"dtx":false}],"rtcp":{"cname":"Fp2V0hxH1K3Rp6lg","reducedSize":true}},
"appData":{"source":"mic"}}})";

// Safari-style H264 screen share, simulcast by rid.
constexpr const char* kProduceH264 = R"({"request":true,"id":9,"method":"produce","data":{
"transportId":"t_8f2Kq","kind":"video","rtpParameters":{"mid":"2","codecs":[
{"mimeType":"video/H264","payloadType":102,"clockRate":90000,
 "parameters":{"level-asymmetry-allowed":1,"packetization-mode":1,"profile-level-id":"42e01f"},
 "rtcpFeedback":[{"type":"nack","parameter":""},{"type":"nack","parameter":"pli"}]},
{"mimeType":"video/rtx","payloadType":103,"clockRate":90000,"parameters":{"apt":102}}],
"headerExtensions":[{"uri":"urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id","id":10}],
"encodings":[{"rid":"r0","scalabilityMode":"L1T3"},{"rid":"r1"}],"rtcp":{"cname":"x"}},
"appData":{"source":"screen"}}})";

constexpr const char* kOthers[] = {
    R"({"request":true,"id":1,"method":"getRouterRtpCapabilities","data":{}})",
    R"({"request":true,"id":3,"method":"createWebRtcTransport","data":{"direction":"send"}})",
    R"({"request":true,"id":4,"method":"connectWebRtcTransport","data":{"transportId":"t_8f2Kq",
"dtlsParameters":{"role":"client","fingerprints":[{"algorithm":"sha-256","value":
"5A:0C:87:3E:1D:39:11:47:8E:9A:C6:51:0B:A8:6E:2F:14:52:3A:77:BB:01:C4:DD:9F:62:31:E8:0A:4B:7C:19"}]}}})",
    R"({"request":true,"id":10,"method":"pauseProducer","data":{"producerId":"p_1"}})",
    R"({"request":true,"id":11,"method":"resumeProducer","data":{"producerId":"p_1"}})",
    R"({"request":true,"id":12,"method":"closeProducer","data":{"producerId":"p_1"}})",
    R"({"request":true,"id":13,"method":"consume","data":{"transportId":"t_r","producerId":"p_2"}})",
    R"({"request":true,"id":14,"method":"resumeConsumer","data":{"consumerId":"c_1"}})",
    R"({"request":true,"id":15,"method":"pauseConsumer","data":{"consumerId":"c_1"}})",
    R"({"request":true,"id":15,"method":"setConsumerPreferredLayers","data":{"consumerId":"c_1","spatialLayer":2,"temporalLayer":1}})",
    R"({"request":true,"id":16,"method":"chat","data":{"text":"h\u00e9llo \ud83d\udc4b"}})",
    R"({"request":true,"id":17,"method":"leave"})",
    // A new socket taking over a dropped peer (docs/protocol.md "Reconnect"), and one without its token.
    R"({"request":true,"id":1,"method":"resume","data":{"peerId":"Xk3J9qLm2Pz7","resumeToken":"a8ZkQ2mP9xL4vN7cT1rY6bW3hF5jD0sG"}})",
    R"({"request":true,"id":2,"method":"resume","data":{"peerId":"Xk3J9qLm2Pz7"}})",
    R"({"request":true,"id":19,"method":"getTranslationCapabilities"})",
    R"({"request":true,"id":20,"method":"setLanguages","data":{"speak":"en","captions":"es","voice":true}})",
    R"({"request":true,"id":21,"method":"getTranscript","data":{}})",
    R"({"request":true,"id":22,"method":"join","data":{"roomId":"r","displayName":"A","rtpCapabilities":{"codecs":[]},"languages":{"speak":"en","captions":"pt-BR","voice":false}}})",
    R"({"request":true,"id":18,"method":"nope","data":null})",
};

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

}  // namespace

Seeds signalingSeeds() {
  Seeds out;
  for (const char* s : {kJoin, kProduceVideo, kProduceAudio, kProduceH264}) out.push_back(bytes(s));
  for (const char* s : kOthers) out.push_back(bytes(s));
  return out;
}

}  // namespace jb::fuzz
