#include "LoadPeer.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "rtp/RtpPacket.hpp"

namespace jb::bench {

namespace asio = boost::asio;

void attachReceiver(LoadPeer& peer, MediaTransport& transport) {
  LoadPeer* self = &peer;
  transport.onRtp([self](const uint8_t* data, size_t length, uint64_t kernelAtNs, uint64_t handledAtNs) {
    auto packet = rtp::RtpPacket::parse(std::span<uint8_t>(const_cast<uint8_t*>(data), length));
    if (!packet) return;
    auto payload = packet->payload();
    PayloadStamp stamp{};
    if (!readPayloadStamp(payload.data(), payload.size(), stamp)) return;
    // Opus is 100 (ours) or 111 (Janus keeps the publisher's); everything else here is 90 kHz video.
    const uint8_t pt = packet->payloadType();
    const uint32_t clockRate = (pt == 100 || pt == 111) ? 48000 : 90000;
    self->stats.record({packet->ssrc(), stamp.sequence, packet->timestamp(), clockRate, stamp.sentAtNs,
                        kernelAtNs, handledAtNs});
  });
}

asio::awaitable<void> sleepFor(std::chrono::milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(duration);
  co_await timer.async_wait(asio::use_awaitable);
}

asio::awaitable<void> connectTransport(MediaTransport& transport, MediaTransport::Remote remote,
                                       const std::string& what) {
  // Shared with the callback, which may still fire after we gave up waiting.
  auto state = std::make_shared<std::pair<bool, bool>>(false, false);  // done, ok
  transport.start(std::move(remote), [state](bool ok) { *state = {true, ok}; });
  for (int i = 0; i < 1000 && !state->first; ++i) co_await sleepFor(std::chrono::milliseconds(10));
  if (!state->second) throw std::runtime_error(what + " did not connect (ICE/DTLS)");
}

SyntheticStream::Config streamConfig(bool video, uint32_t ssrc, uint8_t payloadType,
                                     const SetupContext& context) {
  SyntheticStream::Config config;
  config.video = video;
  config.ssrc = ssrc;
  config.payloadType = payloadType;
  config.bitrateBps = context.videoBitrateBps;
  config.pacingFactor = context.pacingFactor;
  return config;
}

}  // namespace jb::bench
