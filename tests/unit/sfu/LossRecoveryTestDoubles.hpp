#pragma once

// Test doubles for Producer/Consumer loss-recovery tests: a sink that records what leaves, and
// listeners that record what is forwarded.

#include <optional>
#include <span>
#include <vector>

#include "sfu/Consumer.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/Producer.hpp"

namespace jb::sfu::test {

class RecordingSink final : public PacketSink {
 public:
  void sendRtp(uint8_t* buffer, size_t length, size_t) override { rtp.emplace_back(buffer, buffer + length); }
  void sendRtcp(std::span<const uint8_t> packet) override { rtcp.emplace_back(packet.begin(), packet.end()); }
  bool canSend() const override { return sendable; }
  bool sendable = true;  // false: as a transport before DTLS connects
  std::vector<std::vector<uint8_t>> rtp;
  std::vector<std::vector<uint8_t>> rtcp;
};

class RecordingProducerListener final : public Producer::Listener {
 public:
  void onProducerRtp(Producer&, const rtp::RtpPacket& packet, size_t layer) override {
    forwarded.emplace_back(packet.data().begin(), packet.data().end());
    layers.push_back(layer);
  }
  void onProducerSenderReport(Producer&, const rtp::rtcp::SenderReport&, size_t) override {}
  std::vector<std::vector<uint8_t>> forwarded;
  std::vector<size_t> layers;  // the layer of each forwarded packet
};

class FixedSourceConsumerListener final : public Consumer::Listener {
 public:
  explicit FixedSourceConsumerListener(const RetransmissionBuffer* source) : source_(source) {}
  void onConsumerKeyframeRequest(Consumer&) override { ++keyframeRequests; }
  const RetransmissionBuffer* retransmissionSourceOf(Consumer&) override { return source_; }
  void onConsumerLayersChanged(Consumer&, int) override {}
  std::optional<uint32_t> layerTimestampDelta(Consumer&, size_t, size_t) override { return std::nullopt; }
  int keyframeRequests = 0;

 private:
  const RetransmissionBuffer* source_;
};

}  // namespace jb::sfu::test
