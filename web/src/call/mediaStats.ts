// What the browser's getStats() says about the media of a call, reduced to the numbers the
// test hooks (window.__jb) report: decoded frames and samples per consumer, translated
// voices, the microphone as sent, and the ICE route each transport took.
import type { types as ms } from 'mediasoup-client';
import type { ProducerSource } from '../signaling/protocol';
import type { ConsumerEntry } from './CallLink';

export interface ConsumerStats {
  peerId: string;
  kind: 'audio' | 'video';
  source: ProducerSource;
  consumerId: string;
  framesDecoded: number;
  totalSamplesReceived: number;
  frameWidth: number;
  frameHeight: number;
  packetsReceived: number;
}

/** A translated voice we receive, as the test hooks report it. */
export interface TranslationAudioInfo {
  consumerId: string;
  producerId: string;
  speakerPeerId: string;
  language: string | undefined;
  /** Paused by us: not the caption language, or voice turned off. */
  paused: boolean;
  track: { id: string; readyState: MediaStreamTrackState; enabled: boolean; muted: boolean };
  packetsReceived: number;
  totalSamplesReceived: number;
  /** From inbound-rtp stats when the browser gives it (0..1). */
  audioLevel: number | undefined;
  /** From inbound-rtp stats: cumulative energy and duration of the audio played out. */
  totalAudioEnergy: number;
  totalSamplesDuration: number;
}

/** The microphone as sent (media-source stats of the mic producer). */
export interface MicSourceStats {
  audioLevel: number | undefined;
  totalAudioEnergy: number;
  totalSamplesDuration: number;
}

/** The candidate pair a transport uses now (its `selectedCandidatePairId`, else the nominated one). */
export interface IceRoute {
  direction: 'send' | 'recv';
  connectionState: string;
  /** 'host' | 'srflx' | 'prflx' | 'relay', or undefined while no pair is selected. */
  localCandidateType: string | undefined;
  remoteCandidateType: string | undefined;
  localAddress: string | undefined;
  /** For a relay candidate: how the browser reaches the TURN server ('udp', 'tcp', 'tls'). */
  relayProtocol: string | undefined;
  bytesSent: number;
  bytesReceived: number;
}

type StatsRow = Record<string, unknown>;

/** Mic, camera and screen consumers (translated voices: see readTranslationAudio()). */
export async function readConsumerStats(consumers: Iterable<[string, ConsumerEntry]>): Promise<ConsumerStats[]> {
  const out: ConsumerStats[] = [];
  for (const [id, e] of consumers) {
    // Kept out so "the audio of peer P" stays P's microphone for the browser tests.
    if (e.source === 'translation') continue;
    const row: ConsumerStats = {
      peerId: e.peerId,
      kind: e.consumer.kind,
      source: e.source,
      consumerId: id,
      framesDecoded: 0,
      totalSamplesReceived: 0,
      frameWidth: 0,
      frameHeight: 0,
      packetsReceived: 0,
    };
    try {
      const report = await e.consumer.getStats();
      report.forEach((s: StatsRow) => {
        if (s.type !== 'inbound-rtp') return;
        row.framesDecoded += num(s.framesDecoded);
        row.totalSamplesReceived += num(s.totalSamplesReceived);
        row.packetsReceived += num(s.packetsReceived);
        row.frameWidth = Math.max(row.frameWidth, num(s.frameWidth));
        row.frameHeight = Math.max(row.frameHeight, num(s.frameHeight));
      });
    } catch {
      // A consumer closed while we asked; report zeros.
    }
    out.push(row);
  }
  return out;
}

/** The translated voices we receive (paused ones too), with their tracks' state. */
export async function readTranslationAudio(consumers: Iterable<[string, ConsumerEntry]>): Promise<TranslationAudioInfo[]> {
  const out: TranslationAudioInfo[] = [];
  for (const [id, e] of consumers) {
    if (e.source !== 'translation') continue;
    const t = e.consumer.track;
    const row: TranslationAudioInfo = {
      consumerId: id,
      producerId: e.consumer.producerId,
      speakerPeerId: e.speakerPeerId ?? e.peerId,
      language: e.language,
      paused: e.consumer.paused,
      track: { id: t.id, readyState: t.readyState, enabled: t.enabled, muted: t.muted },
      packetsReceived: 0,
      totalSamplesReceived: 0,
      audioLevel: undefined,
      totalAudioEnergy: 0,
      totalSamplesDuration: 0,
    };
    try {
      const report = await e.consumer.getStats();
      report.forEach((s: StatsRow) => {
        if (s.type !== 'inbound-rtp') return;
        row.packetsReceived += num(s.packetsReceived);
        row.totalSamplesReceived += num(s.totalSamplesReceived);
        if (typeof s.audioLevel === 'number') row.audioLevel = s.audioLevel;
        row.totalAudioEnergy += num(s.totalAudioEnergy);
        row.totalSamplesDuration += num(s.totalSamplesDuration);
      });
    } catch {
      // Closed while we asked.
    }
    out.push(row);
  }
  return out;
}

/** The mic producer's media-source stats (what leaves this page), or undefined without one. */
export async function readMicSourceStats(producer: ms.Producer | undefined): Promise<MicSourceStats | undefined> {
  if (!producer || producer.closed) return undefined;
  const out: MicSourceStats = { audioLevel: undefined, totalAudioEnergy: 0, totalSamplesDuration: 0 };
  try {
    const report = await producer.getStats();
    report.forEach((s: StatsRow) => {
      if (s.type !== 'media-source' || s.kind !== 'audio') return;
      if (typeof s.audioLevel === 'number') out.audioLevel = s.audioLevel;
      out.totalAudioEnergy += num(s.totalAudioEnergy);
      out.totalSamplesDuration += num(s.totalSamplesDuration);
    });
  } catch {
    return undefined;
  }
  return out;
}

/** Which candidates a transport's ICE settled on, from its stats. */
export async function readIceRoute(direction: 'send' | 'recv', transport: ms.Transport): Promise<IceRoute> {
  const route: IceRoute = {
    direction,
    connectionState: transport.connectionState,
    localCandidateType: undefined,
    remoteCandidateType: undefined,
    localAddress: undefined,
    relayProtocol: undefined,
    bytesSent: 0,
    bytesReceived: 0,
  };
  let report: RTCStatsReport;
  try {
    report = await transport.getStats();
  } catch {
    return route;
  }
  const rows = new Map<string, StatsRow>();
  report.forEach((s: StatsRow) => rows.set(String(s.id), s));
  const selectedIds = [...rows.values()]
    .filter((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string')
    .map((s) => String(s.selectedCandidatePairId));
  const pair =
    selectedIds.map((id) => rows.get(id)).find((p) => p !== undefined) ??
    [...rows.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
  if (!pair) return route;
  const local = rows.get(String(pair.localCandidateId));
  const remote = rows.get(String(pair.remoteCandidateId));
  route.localCandidateType = str(local?.candidateType);
  route.remoteCandidateType = str(remote?.candidateType);
  route.localAddress = str(local?.address) ?? str(local?.ip);
  route.relayProtocol = str(local?.relayProtocol);
  route.bytesSent = num(pair.bytesSent);
  route.bytesReceived = num(pair.bytesReceived);
  return route;
}

/**
 * How many local ICE candidates a transport gathered (undefined when stats fail). None at
 * all means it can never connect: e.g. relay-only with a TURN server that refused us.
 */
export async function readLocalCandidateCount(transport: ms.Transport): Promise<number | undefined> {
  try {
    const report = await transport.getStats();
    let n = 0;
    report.forEach((s: StatsRow) => {
      if (s.type === 'local-candidate') n++;
    });
    return n;
  } catch {
    return undefined;
  }
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
