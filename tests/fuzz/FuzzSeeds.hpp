#pragma once

// Valid inputs for the fuzz targets, used by the replay driver (FuzzReplayMain.cpp) as mutation
// starting points and dumped with --dump-seeds as the initial libFuzzer corpus (./jb fuzz).
// Each target's driver is compiled with JB_FUZZ_SEEDS naming its function (tests/fuzz/CMakeLists.txt).

#include <cstdint>
#include <vector>

namespace jb::fuzz {

using Seeds = std::vector<std::vector<uint8_t>>;

Seeds stunSeeds();              // StunSeeds.cpp
Seeds rtpSeeds();               // RtpSeeds.cpp
Seeds rtcpSeeds();              // RtcpSeeds.cpp
Seeds demuxSeeds();             // DemuxSeeds.cpp: all of the above plus DTLS records
Seeds signalingSeeds();         // SignalingSeeds.cpp: one valid request per method
Seeds tcpFramingSeeds();        // TcpFramingSeeds.cpp: framed ICE-TCP streams
Seeds joinTokenSeeds();         // JoinTokenSeeds.cpp: tokens and signed claims payloads
Seeds sdpSeeds();               // SdpSeeds.cpp: Janus-shaped SDP (the load generator parses it)
Seeds translationAudioSeeds();  // TranslationAudioSeeds.cpp: Opus packets of a talking microphone

}  // namespace jb::fuzz
