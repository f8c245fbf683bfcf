#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace jb::sfu {

// Where a Producer or Consumer hands packets to leave the server: its own WebRtcTransport, which
// encrypts and sends them to the selected ICE tuple. `buffer` holds `length` plaintext bytes and has
// `capacity` bytes of room so SRTP can append its tag in place.
class PacketSink {
 public:
  virtual ~PacketSink() = default;
  virtual void sendRtp(uint8_t* buffer, size_t length, size_t capacity) = 0;
  virtual void sendRtcp(std::span<const uint8_t> packet) = 0;
  // False while nothing sent would reach the browser (DTLS not yet connected).
  virtual bool canSend() const { return true; }
};

}  // namespace jb::sfu
