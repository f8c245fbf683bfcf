#pragma once

#include <cstdint>
#include <string>

#include "rtp/RtpPacket.hpp"

namespace jb::sfu {

struct AudioTapStream {
  std::string roomId;
  std::string producerId;
  std::string peerId;
};

// Where a router copies the audio its producers receive, for the translation pipeline. Every call
// comes from the worker thread; `push` is on the media path, so an implementation must never block
// on it (a full queue drops the packet and counts it).
class AudioTap {
 public:
  virtual ~AudioTap() = default;
  // Returns the stream id later calls name.
  virtual uint64_t openStream(const AudioTapStream& stream) = 0;
  virtual void push(uint64_t stream, const rtp::RtpPacket& packet) = 0;
  // A paused producer ends the current utterance at once rather than after the silence hangover.
  virtual void setPaused(uint64_t stream, bool paused) = 0;
  virtual void closeStream(uint64_t stream) = 0;
};

}  // namespace jb::sfu
