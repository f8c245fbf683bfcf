// The "Connection" part of the settings panel: round-trip time, send and receive bitrate,
// packet loss, the layers we send and, per remote video, the layer and size we get. Read
// from getStats() once a second while someone looks (ConnectionStatsSampler); the maths
// between two readings is pure (summarize) and tested without a browser.
import type { types as ms } from 'mediasoup-client';
import type { CallLink } from './CallLink';
import type { VideoLayerInfo } from './VideoLayerControl';

type StatsRow = Record<string, unknown>;

/** One reading of the counters (cumulative values, as getStats gives them). */
export interface ConnectionSample {
  /** ms, any monotonic clock. */
  at: number;
  /** Seconds; undefined while no candidate pair reports one. */
  rtt: number | undefined;
  bytesSent: number;
  bytesReceived: number;
  /** inbound-rtp, summed over every stream we receive. */
  packetsReceived: number;
  packetsLost: number;
  /** outbound-rtp sent, and what the server's receiver reports lost (remote-inbound-rtp). */
  packetsSent: number;
  packetsLostRemote: number;
  /** Our camera, per simulcast encoding. */
  sendLayers: SendLayerSample[];
  /** Remote videos, per consumer. */
  videos: VideoSample[];
}

export interface SendLayerSample {
  rid: string | undefined;
  frameWidth: number;
  frameHeight: number;
  framesPerSecond: number;
  bytesSent: number;
  /** Why the encoder sends less than it could ('cpu', 'bandwidth', 'none'). */
  qualityLimitationReason: string | undefined;
}

export interface VideoSample {
  consumerId: string;
  peerId: string;
  frameWidth: number;
  frameHeight: number;
  framesPerSecond: number;
  packetsReceived: number;
  bytesReceived: number;
}

export interface ConnectionStats {
  /** When the reading was taken (the sample's `at`): the panel shows it refreshing. */
  sampledAt: number;
  rttMs: number | undefined;
  sendKbps: number | undefined;
  receiveKbps: number | undefined;
  /** Percent of packets lost in the last interval; undefined when none were expected. */
  receiveLossPct: number | undefined;
  sendLossPct: number | undefined;
  sendLayers: Array<{ rid: string | undefined; width: number; height: number; fps: number; kbps: number | undefined; limitedBy: string | undefined }>;
  videos: Array<{
    consumerId: string;
    peerId: string;
    width: number;
    height: number;
    fps: number;
    kbps: number | undefined;
    layer: number | null | undefined;
    preferredLayer: number | undefined;
    paused: boolean;
    simulcast: boolean;
  }>;
}

/** kbit/s between two cumulative byte counts `ms` apart; undefined without a usable interval. */
export function kbps(bytesBefore: number | undefined, bytesNow: number, ms: number): number | undefined {
  if (bytesBefore === undefined || ms <= 0 || bytesNow < bytesBefore) return undefined;
  return ((bytesNow - bytesBefore) * 8) / ms;
}

/** Percent lost of the packets expected between two readings (lost + received deltas). */
export function lossPct(lostBefore: number, lostNow: number, gotBefore: number, gotNow: number): number | undefined {
  const lost = Math.max(0, lostNow - lostBefore);
  const got = Math.max(0, gotNow - gotBefore);
  return lost + got === 0 ? undefined : (100 * lost) / (lost + got);
}

/** What the panel shows from the previous and the current reading. */
export function summarize(prev: ConnectionSample | undefined, cur: ConnectionSample, layers: readonly VideoLayerInfo[] = []): ConnectionStats {
  const ms = prev ? cur.at - prev.at : 0;
  const prevLayer = new Map(prev?.sendLayers.map((l) => [l.rid ?? '', l]) ?? []);
  const prevVideo = new Map(prev?.videos.map((v) => [v.consumerId, v]) ?? []);
  const layerOf = new Map(layers.map((l) => [l.consumerId, l]));
  return {
    sampledAt: cur.at,
    // 0.1 ms resolution: on a LAN the round trip is well under a millisecond.
    rttMs: cur.rtt === undefined ? undefined : Math.round(cur.rtt * 10_000) / 10,
    sendKbps: kbps(prev?.bytesSent, cur.bytesSent, ms),
    receiveKbps: kbps(prev?.bytesReceived, cur.bytesReceived, ms),
    receiveLossPct: prev ? lossPct(prev.packetsLost, cur.packetsLost, prev.packetsReceived, cur.packetsReceived) : undefined,
    // The server reports losses of what it received; what it got = sent - lost.
    sendLossPct: prev
      ? lossPct(prev.packetsLostRemote, cur.packetsLostRemote, prev.packetsSent - prev.packetsLostRemote, cur.packetsSent - cur.packetsLostRemote)
      : undefined,
    sendLayers: [...cur.sendLayers]
      .sort((a, b) => (a.rid ?? '').localeCompare(b.rid ?? ''))
      .map((l) => ({
        rid: l.rid,
        width: l.frameWidth,
        height: l.frameHeight,
        fps: l.framesPerSecond,
        kbps: kbps(prevLayer.get(l.rid ?? '')?.bytesSent, l.bytesSent, ms),
        limitedBy: l.qualityLimitationReason,
      })),
    videos: cur.videos.map((v) => {
      const info = layerOf.get(v.consumerId);
      return {
        consumerId: v.consumerId,
        peerId: v.peerId,
        width: v.frameWidth,
        height: v.frameHeight,
        fps: v.framesPerSecond,
        kbps: kbps(prevVideo.get(v.consumerId)?.bytesReceived, v.bytesReceived, ms),
        layer: info?.currentLayer,
        preferredLayer: info?.preferredLayer,
        paused: info?.paused ?? false,
        simulcast: info?.simulcast ?? false,
      };
    }),
  };
}

/** Reads one sample from the link's transports, camera producer and video consumers. */
export async function readConnectionSample(link: CallLink | undefined, now: number): Promise<ConnectionSample> {
  const sample: ConnectionSample = {
    at: now,
    rtt: undefined,
    bytesSent: 0,
    bytesReceived: 0,
    packetsReceived: 0,
    packetsLost: 0,
    packetsSent: 0,
    packetsLostRemote: 0,
    sendLayers: [],
    videos: [],
  };
  if (!link || link.closed) return sample;
  const rtts: number[] = [];
  for (const transport of [link.sendTransport, link.recvTransport]) {
    const rows = await rowsOf(transport);
    const pair = selectedPair(rows);
    if (pair) {
      sample.bytesSent += num(pair.bytesSent);
      sample.bytesReceived += num(pair.bytesReceived);
      if (typeof pair.currentRoundTripTime === 'number') rtts.push(pair.currentRoundTripTime);
    }
    for (const s of rows.values()) {
      if (s.type === 'inbound-rtp') {
        sample.packetsReceived += num(s.packetsReceived);
        sample.packetsLost += Math.max(0, num(s.packetsLost));
      } else if (s.type === 'outbound-rtp') {
        sample.packetsSent += num(s.packetsSent);
      } else if (s.type === 'remote-inbound-rtp') {
        sample.packetsLostRemote += Math.max(0, num(s.packetsLost));
      }
    }
  }
  if (rtts.length > 0) sample.rtt = Math.min(...rtts);
  sample.sendLayers = await readSendLayers(link.camProducer);
  for (const [id, e] of link.consumers) {
    if (e.consumer.kind !== 'video' || e.consumer.closed) continue;
    const v: VideoSample = { consumerId: id, peerId: e.peerId, frameWidth: 0, frameHeight: 0, framesPerSecond: 0, packetsReceived: 0, bytesReceived: 0 };
    try {
      (await e.consumer.getStats()).forEach((s: StatsRow) => {
        if (s.type !== 'inbound-rtp') return;
        v.frameWidth = num(s.frameWidth);
        v.frameHeight = num(s.frameHeight);
        v.framesPerSecond = num(s.framesPerSecond);
        v.packetsReceived += num(s.packetsReceived);
        v.bytesReceived += num(s.bytesReceived);
      });
    } catch {
      // Closed while we asked.
    }
    sample.videos.push(v);
  }
  return sample;
}

/** outbound-rtp of the camera per simulcast encoding (one row without simulcast). */
export async function readSendLayers(producer: ms.Producer | undefined): Promise<SendLayerSample[]> {
  if (!producer || producer.closed) return [];
  const out: SendLayerSample[] = [];
  try {
    (await producer.getStats()).forEach((s: StatsRow) => {
      if (s.type !== 'outbound-rtp') return;
      out.push({
        rid: typeof s.rid === 'string' ? s.rid : undefined,
        frameWidth: num(s.frameWidth),
        frameHeight: num(s.frameHeight),
        framesPerSecond: num(s.framesPerSecond),
        bytesSent: num(s.bytesSent),
        qualityLimitationReason: typeof s.qualityLimitationReason === 'string' ? s.qualityLimitationReason : undefined,
      });
    });
  } catch {
    return [];
  }
  return out.sort((a, b) => (a.rid ?? '').localeCompare(b.rid ?? ''));
}

/** Polls readConnectionSample every `intervalMs` while started; the panel subscribes. */
export class ConnectionStatsSampler {
  private last: ConnectionSample | undefined;
  private stats: ConnectionStats | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<() => void>();
  private busy = false;

  constructor(
    private readonly link: () => CallLink | undefined,
    private readonly layers: () => VideoLayerInfo[],
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly getSnapshot = (): ConnectionStats | undefined => this.stats;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  };

  /** Takes a reading now (also what the timer does). */
  async sample(): Promise<ConnectionStats | undefined> {
    if (this.busy) return this.stats;
    this.busy = true;
    try {
      const cur = await readConnectionSample(this.link(), this.now());
      this.stats = summarize(this.last, cur, this.layers());
      this.last = cur;
      for (const l of this.listeners) l();
      return this.stats;
    } finally {
      this.busy = false;
    }
  }

  private start(intervalMs = 1000): void {
    void this.sample();
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.last = undefined;
  }
}

async function rowsOf(transport: ms.Transport | undefined): Promise<Map<string, StatsRow>> {
  const rows = new Map<string, StatsRow>();
  if (!transport || transport.closed) return rows;
  try {
    (await transport.getStats()).forEach((s: StatsRow) => rows.set(String(s.id), s));
  } catch {
    // Closed while we asked.
  }
  return rows;
}

/** The transport's selected candidate pair, else the nominated succeeded one. */
function selectedPair(rows: Map<string, StatsRow>): StatsRow | undefined {
  for (const s of rows.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') {
      const p = rows.get(s.selectedCandidatePairId);
      if (p) return p;
    }
  }
  return [...rows.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded');
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
