#include "signaling/MetricsReport.hpp"

#include <chrono>
#include <functional>

#include "sfu/WorkerCounters.hpp"
#include "signaling/PrometheusText.hpp"
#include "signaling/TranslationBridge.hpp"

namespace jb::signaling {

namespace {

void renderTranslationMetrics(PrometheusText& out, const translation::TranslationMetrics& m) {
  auto read = [](const auto& counter) {
    return static_cast<uint64_t>(counter.load(std::memory_order_relaxed));
  };
  out.family("jb_translation_packets_tapped_total", "counter",
             "Audio packets copied to the translation pipeline.");
  out.sample(read(m.packetsTapped));
  out.family("jb_translation_drops_total", "counter",
             "Work the translation pipeline dropped rather than wait, by reason.");
  out.sample({{"reason", "tap_queue_full"}}, read(m.tapDropsQueueFull));
  out.sample({{"reason", "tap_oversize"}}, read(m.tapDropsOversize));
  out.sample({{"reason", "utterance_queue_full"}}, read(m.utteranceDropsQueueFull));
  out.sample({{"reason", "utterance_skipped"}}, read(m.utterancesSkipped));
  out.family("jb_translation_errors_total", "counter",
             "Translation or synthesis calls that failed, by stage.");
  out.sample({{"stage", "translation"}}, read(m.translationErrors));
  out.sample({{"stage", "synthesis"}}, read(m.synthesisErrors));
  out.family("jb_translation_captions_total", "counter", "Captions delivered, by kind.");
  out.sample({{"kind", "partial"}}, read(m.partialCaptions));
  out.sample({{"kind", "final"}}, read(m.finalCaptions));
  out.family("jb_translation_synthesized_total", "counter", "Translated utterances spoken into a room.");
  out.sample(read(m.synthesizedUtterances));
  out.family("jb_translation_active_streams", "gauge", "Audio producers being recognised.");
  out.sample({}, static_cast<int64_t>(m.activeStreams.load(std::memory_order_relaxed)));

  out.family(
      "jb_translation_stage_latency_seconds", "histogram",
      "Latency of each pipeline stage: asr_final and caption/voice are measured from the end of speech.");
  const std::pair<const char*, const translation::LatencyHistogram*> stages[] = {
      {"asr_final", &m.asrFinal},
      {"translation", &m.translation},
      {"synthesis", &m.synthesis},
      {"caption", &m.captionLatency},
      {"voice", &m.voiceLatency}};
  std::vector<double> bounds;
  for (double ms : translation::LatencyHistogram::kBucketsMs) bounds.push_back(ms / 1000);
  for (const auto& [stage, histogram] : stages) {
    std::vector<uint64_t> counts;
    for (size_t i = 0; i < bounds.size(); ++i) counts.push_back(histogram->bucket(i));
    out.histogram({"stage", stage}, bounds, counts, histogram->sumSeconds(), histogram->count());
  }
}

}  // namespace

namespace {

using sfu::WorkerCounters;

uint64_t read(const WorkerCounters::Counter& c) {
  return c.load(std::memory_order_relaxed);
}
int64_t read(const WorkerCounters::Gauge& g) {
  return g.load(std::memory_order_relaxed);
}

// One family with a sample per worker, labelled worker="<index>".
template <typename Value>
void perWorker(PrometheusText& out, const std::vector<sfu::Worker*>& workers, std::string_view name,
               std::string_view type, std::string_view help, Value (*value)(const WorkerCounters&)) {
  out.family(name, type, help);
  for (const sfu::Worker* w : workers) {
    const std::string index = std::to_string(w->index());
    out.sample({{"worker", index}}, value(w->counters()));
  }
}

}  // namespace

std::string renderMetrics(const RoomDirectory& directory) {
  PrometheusText out;
  const auto& workers = directory.workers();
  const SignalingMetrics& signaling = directory.metrics();

  out.family("jb_rooms", "gauge", "Rooms with at least one peer on this signaling node.");
  out.sample(static_cast<uint64_t>(directory.roomCount()));
  out.family("jb_peers", "gauge", "Peers joined to a room.");
  out.sample(static_cast<uint64_t>(directory.peerCount()));
  out.family("jb_websocket_sessions", "gauge", "Open signaling WebSocket sessions (joined or not).");
  out.sample({}, signaling.sessionsOpen());

  out.family("jb_worker_up", "gauge", "1 if the media worker's event loop ticked within the last 5 s.");
  const auto now = std::chrono::steady_clock::now();
  for (const sfu::Worker* w : workers)
    out.sample({{"worker", std::to_string(w->index())}}, static_cast<uint64_t>(w->responsive(now) ? 1 : 0));

  perWorker<int64_t>(out, workers, "jb_routers", "gauge", "Routers (one per room) on the worker.",
                     [](const WorkerCounters& c) { return read(c.routers); });
  perWorker<int64_t>(out, workers, "jb_transports", "gauge", "WebRTC transports on the worker.",
                     [](const WorkerCounters& c) { return read(c.transports); });
  perWorker<int64_t>(out, workers, "jb_producers", "gauge", "Producers (incoming tracks) on the worker.",
                     [](const WorkerCounters& c) { return read(c.producers); });
  perWorker<int64_t>(out, workers, "jb_consumers", "gauge", "Consumers (outgoing tracks) on the worker.",
                     [](const WorkerCounters& c) { return read(c.consumers); });

  struct CounterFamily {
    const char* name;
    const char* help;
    uint64_t (*value)(const WorkerCounters&);
  };
  static const CounterFamily kCounters[] = {
      {"jb_udp_packets_received_total", "UDP datagrams received on media ports (any kind).",
       [](const WorkerCounters& c) { return read(c.packetsIn); }},
      {"jb_udp_bytes_received_total", "UDP payload bytes received on media ports.",
       [](const WorkerCounters& c) { return read(c.bytesIn); }},
      {"jb_udp_packets_sent_total", "UDP datagrams sent from media ports.",
       [](const WorkerCounters& c) { return read(c.packetsOut); }},
      {"jb_udp_bytes_sent_total", "UDP payload bytes sent from media ports.",
       [](const WorkerCounters& c) { return read(c.bytesOut); }},
      {"jb_rtp_packets_received_total", "SRTP packets received that decrypted.",
       [](const WorkerCounters& c) { return read(c.rtpPacketsIn); }},
      {"jb_rtp_bytes_received_total", "Bytes of SRTP packets received that decrypted.",
       [](const WorkerCounters& c) { return read(c.rtpBytesIn); }},
      {"jb_rtp_packets_sent_total", "SRTP packets sent.",
       [](const WorkerCounters& c) { return read(c.rtpPacketsOut); }},
      {"jb_rtp_bytes_sent_total", "Bytes of SRTP packets sent.",
       [](const WorkerCounters& c) { return read(c.rtpBytesOut); }},
      {"jb_rtcp_packets_received_total", "SRTCP compound packets received that decrypted.",
       [](const WorkerCounters& c) { return read(c.rtcpPacketsIn); }},
      {"jb_rtcp_bytes_received_total", "Bytes of SRTCP packets received that decrypted.",
       [](const WorkerCounters& c) { return read(c.rtcpBytesIn); }},
      {"jb_rtcp_packets_sent_total", "SRTCP packets sent.",
       [](const WorkerCounters& c) { return read(c.rtcpPacketsOut); }},
      {"jb_rtcp_bytes_sent_total", "Bytes of SRTCP packets sent.",
       [](const WorkerCounters& c) { return read(c.rtcpBytesOut); }},
      {"jb_nacks_received_total", "Generic NACK feedback packets received (RFC 4585).",
       [](const WorkerCounters& c) { return read(c.nacksReceived); }},
      {"jb_plis_received_total", "Picture Loss Indications received from receivers.",
       [](const WorkerCounters& c) { return read(c.plisReceived); }},
      {"jb_firs_received_total", "Full Intra Requests received from receivers.",
       [](const WorkerCounters& c) { return read(c.firsReceived); }},
      {"jb_plis_sent_total", "Picture Loss Indications sent to senders.",
       [](const WorkerCounters& c) { return read(c.plisSent); }},
      {"jb_retransmissions_sent_total", "RTP packets retransmitted in answer to NACKs.",
       [](const WorkerCounters& c) { return read(c.retransmissionsSent); }},
      {"jb_nacks_sent_total", "Generic NACKs sent to senders for packets the SFU did not receive.",
       [](const WorkerCounters& c) { return read(c.nacksSent); }},
      {"jb_retransmissions_received_total", "Retransmitted (RTX) packets from senders that filled a gap.",
       [](const WorkerCounters& c) { return read(c.retransmissionsReceived); }},
      {"jb_nack_give_ups_total", "Missing packets the SFU stopped asking its senders for.",
       [](const WorkerCounters& c) { return read(c.nackGiveUps); }},
      {"jb_ice_consent_expirations_total", "Peers closed because ICE consent expired (RFC 7675).",
       [](const WorkerCounters& c) { return read(c.consentExpirations); }},
      {"jb_ice_tcp_connections_accepted_total",
       "ICE-TCP connections accepted (RFC 6544), refused ones included.",
       [](const WorkerCounters& c) { return read(c.tcp.accepted); }},
      {"jb_ice_tcp_frames_received_total", "RFC 4571 frames received on ICE-TCP connections.",
       [](const WorkerCounters& c) { return read(c.tcp.framesIn); }},
      {"jb_ice_tcp_bytes_received_total", "Payload bytes of RFC 4571 frames received.",
       [](const WorkerCounters& c) { return read(c.tcp.bytesIn); }},
      {"jb_ice_tcp_frames_sent_total", "RFC 4571 frames sent (written or queued) on ICE-TCP connections.",
       [](const WorkerCounters& c) { return read(c.tcp.framesOut); }},
      {"jb_ice_tcp_bytes_sent_total", "Payload bytes of RFC 4571 frames sent.",
       [](const WorkerCounters& c) { return read(c.tcp.bytesOut); }},
      {"jb_transport_feedback_sent_total",
       "Transport-wide congestion control feedback packets sent to senders (transport-cc).",
       [](const WorkerCounters& c) { return read(c.transportFeedbackSent); }},
      {"jb_active_speaker_changes_total", "Dominant speaker changes announced to rooms.",
       [](const WorkerCounters& c) { return read(c.activeSpeakerChanges); }},
      {"jb_rembs_received_total", "REMB bandwidth estimates received from receiving browsers.",
       [](const WorkerCounters& c) { return read(c.rembsReceived); }},
      {"jb_simulcast_layer_switches_total", "Simulcast consumers that switched to another spatial layer.",
       [](const WorkerCounters& c) { return read(c.layerSwitches); }},
  };
  for (const auto& f : kCounters) perWorker<uint64_t>(out, workers, f.name, "counter", f.help, f.value);

  perWorker<int64_t>(out, workers, "jb_ice_tcp_connections", "gauge",
                     "Open ICE-TCP connections on the worker.",
                     [](const WorkerCounters& c) { return read(c.tcp.open); });
  out.family("jb_ice_tcp_closes_total", "counter",
             "ICE-TCP connections the worker closed or refused, by reason.");
  for (const sfu::Worker* w : workers) {
    const std::string index = std::to_string(w->index());
    for (size_t r = 0; r < static_cast<size_t>(sfu::IceTcpCloseReason::Count); ++r) {
      auto reason = static_cast<sfu::IceTcpCloseReason>(r);
      out.sample({{"worker", index}, {"reason", sfu::toString(reason)}}, w->counters().tcp.closed(reason));
    }
  }
  out.family("jb_ice_restarts_total", "counter",
             "ICE restarts (RFC 8445 §9), requested and completed (a check used the new credentials).");
  for (const sfu::Worker* w : workers) {
    const std::string index = std::to_string(w->index());
    out.sample({{"worker", index}, {"stage", "requested"}}, read(w->counters().iceRestarts));
    out.sample({{"worker", index}, {"stage", "completed"}}, read(w->counters().iceRestartsCompleted));
  }

  out.family("jb_media_drops_total", "counter", "Packets the media path discarded, by reason.");
  for (const sfu::Worker* w : workers) {
    const std::string index = std::to_string(w->index());
    for (size_t r = 0; r < static_cast<size_t>(sfu::DropReason::Count); ++r) {
      auto reason = static_cast<sfu::DropReason>(r);
      out.sample({{"worker", index}, {"reason", sfu::toString(reason)}}, w->counters().dropped(reason));
    }
  }

  out.family(
      "jb_rtp_header_extension_errors_total", "counter",
      "Malformed RTP header extension elements ignored (the packet is still forwarded), by extension.");
  for (const sfu::Worker* w : workers) {
    const std::string index = std::to_string(w->index());
    out.sample({{"worker", index}, {"extension", "transport_wide_cc"}},
               read(w->counters().badTransportWideCcExtensions));
    out.sample({{"worker", index}, {"extension", "audio_level"}},
               read(w->counters().badAudioLevelExtensions));
  }

  out.family("jb_signaling_requests_total", "counter", "Signaling requests received, by method.");
  for (const auto& [method, n] : signaling.requests()) out.sample({{"method", method}}, n);
  out.family("jb_signaling_errors_total", "counter", "Signaling error responses, by method and error code.");
  for (const auto& [key, n] : signaling.errors())
    out.sample({{"method", key.first}, {"code", key.second}}, n);

  out.family("jb_limit_rejections_total", "counter", "Requests or connections refused by a limit, by kind.");
  for (std::string_view kind : SignalingMetrics::kLimitKinds) {
    auto it = signaling.limitRejections().find(kind);
    out.sample({{"kind", kind}}, it == signaling.limitRejections().end() ? uint64_t{0} : it->second);
  }
  for (size_t k = 0; k < static_cast<size_t>(sfu::PeerLimitKind::Count); ++k) {
    uint64_t total = 0;
    for (const sfu::Worker* w : workers) total += read(w->counters().limitRejections[k]);
    out.sample({{"kind", sfu::toString(static_cast<sfu::PeerLimitKind>(k))}}, total);
  }

  out.family("jb_origin_rejections_total", "counter", "WebSocket upgrades refused (403) for their Origin.");
  out.sample(signaling.originRejections());
  out.family("jb_sessions_closed_by_server_total", "counter",
             "Signaling sessions the server ended, by reason (abuse: 1008; ice_consent_expired: 4001).");
  for (std::string_view reason : SignalingMetrics::kServerCloseReasons) {
    auto it = signaling.serverCloses().find(reason);
    out.sample({{"reason", reason}}, it == signaling.serverCloses().end() ? uint64_t{0} : it->second);
  }
  out.family("jb_signaling_resumes_total", "counter",
             "Session resumptions after a dropped socket, by outcome (ok, failed, expired).");
  for (std::string_view outcome : SignalingMetrics::kResumeOutcomes) {
    auto it = signaling.resumes().find(outcome);
    out.sample({{"outcome", outcome}}, it == signaling.resumes().end() ? uint64_t{0} : it->second);
  }
  // Exported with zeros when translation is off, so dashboards and alerts see the same names everywhere.
  static const translation::TranslationMetrics kNoTranslation;
  const TranslationBridge* translation = directory.translation();
  renderTranslationMetrics(out, translation ? translation->metrics() : kNoTranslation);
  return out.text();
}

}  // namespace jb::signaling
