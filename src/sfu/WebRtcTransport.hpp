#pragma once

#include <boost/asio/steady_timer.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "dtls/DtlsTransport.hpp"
#include "ice/IceLiteServer.hpp"
#include "sfu/Consumer.hpp"
#include "sfu/DownlinkEstimate.hpp"
#include "sfu/PacketSink.hpp"
#include "sfu/Producer.hpp"
#include "sfu/TransportFeedbackSender.hpp"
#include "sfu/TransportHost.hpp"
#include "srtp/SrtpSession.hpp"

namespace jb::sfu {

// One browser PeerConnection: ICE-lite + DTLS + SRTP over the worker's shared port (mediasoup's
// WebRtcTransport on a WebRtcServer). Owns the producers and consumers created on it.
class WebRtcTransport final : public PacketSink, private dtls::DtlsTransport::Listener {
 public:
  using Tuple = TransportHost::Tuple;

  WebRtcTransport(std::string id, std::string roomId, std::string peerId, TransportHost& host);
  ~WebRtcTransport() override;
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;

  const std::string& id() const { return id_; }
  const std::string& peerId() const { return peerId_; }

  // {iceParameters, iceCandidates, dtlsParameters} as mediasoup-client's createSendTransport wants them.
  nlohmann::json localParameters() const;
  nlohmann::json iceParameters() const;
  // The client's dtlsParameters; throws RequestError on bad input or a second call.
  void connect(const nlohmann::json& remoteDtlsParameters);
  // ICE restart (RFC 8445 §9): new local ICE credentials, returned as mediasoup-client's
  // iceParameters. DTLS and SRTP are kept: a restart does not renegotiate them.
  nlohmann::json restartIce();

  Producer& addProducer(std::unique_ptr<Producer> producer);
  std::unique_ptr<Producer> removeProducer(const std::string& producerId);
  Consumer& addConsumer(std::unique_ptr<Consumer> consumer);
  std::unique_ptr<Consumer> removeConsumer(const std::string& consumerId);
  const std::map<std::string, std::unique_ptr<Producer>>& producers() const { return producers_; }
  const std::map<std::string, std::unique_ptr<Consumer>>& consumers() const { return consumers_; }

  // From the worker's demultiplexer.
  void receiveStun(const ice::StunMessage& message, const Tuple& from);
  void receiveDtls(std::span<const uint8_t> datagram, const Tuple& from);
  void receiveSrtp(uint8_t* data, size_t length, const Tuple& from);
  // The path to `tuple` is gone (its TCP connection closed): nothing more is sent there.
  void tupleClosed(const Tuple& tuple);
  // True once, when ICE consent (RFC 7675) has just expired: the browser stopped answering.
  bool checkConsent(std::chrono::steady_clock::time_point now);
  // One compound Receiver Report covering every producer on this transport (RFC 3550 §6.4.2).
  void sendReceiverReports(std::chrono::steady_clock::time_point now);

  // PacketSink
  void sendRtp(uint8_t* buffer, size_t length, size_t capacity) override;
  void sendRtcp(std::span<const uint8_t> packet) override;
  bool canSend() const override { return connected(); }

  bool connected() const { return srtpOut_ != nullptr; }
  // A fresh m-section id for the next consumer: unique within this transport (and its PeerConnection).
  std::string nextConsumerMid() { return std::to_string(nextConsumerMid_++); }
  // The RTCP CNAME all producers on this transport share (Router::produce sets it from the first).
  std::string& producerCname() { return producerCname_; }
  uint64_t droppedPackets() const { return dropped_; }
  // What the receiving browser can take (REMB and Receiver Report loss), for its simulcast consumers.
  DownlinkEstimate& downlink() { return downlink_; }

 private:
  // dtls::DtlsTransport::Listener
  void onDtlsSend(std::span<const uint8_t> datagram) override;
  void onDtlsConnected(const dtls::SrtpKeyMaterial& keys) override;
  void onDtlsFailed(const std::string& reason) override;
  void onDtlsClosed() override;

  void handleRtcp(std::span<const uint8_t> packet);
  void receiverReport(const rtp::rtcp::ReceiverReport& report);
  void drop(DropReason reason);
  void armDtlsTimer();

  std::string id_;
  std::string peerId_;
  std::string logContext_;  // "room=<id> peer=<id> transport=<id>" for log lines
  TransportHost& host_;
  WorkerCounters& counters_;
  ice::IceLiteServer ice_;
  std::unique_ptr<dtls::DtlsTransport> dtls_;
  std::unique_ptr<srtp::SrtpSession> srtpIn_;
  std::unique_ptr<srtp::SrtpSession> srtpOut_;
  boost::asio::steady_timer dtlsTimer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // timer callbacks check it after we are gone

  std::map<std::string, std::unique_ptr<Producer>> producers_;
  std::map<std::string, std::unique_ptr<Consumer>> consumers_;
  std::unordered_map<uint32_t, Producer*> producersBySsrc_;
  std::unordered_map<uint32_t, Producer*> producersByRtxSsrc_;
  std::unordered_map<uint32_t, Consumer*> consumersBySsrc_;
  DownlinkEstimate downlink_;
  std::string producerCname_;
  bool rembLogged_ = false;
  std::vector<uint8_t> rtcpBuffer_;
  uint64_t dropped_ = 0;
  uint64_t nextConsumerMid_ = 0;
  TransportFeedbackSender congestionFeedback_;  // last: its timer sends through this transport
};

}  // namespace jb::sfu
