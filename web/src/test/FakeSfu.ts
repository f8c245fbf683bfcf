// An in-memory stand-in for the jbcalling server's signaling, speaking docs/protocol.md,
// for CallSession tests. Media objects come from mediasoup-client's fake parameters.
import { testFakeParameters } from 'mediasoup-client';
import { FakeWebSocket } from './FakeWebSocket';
import type { PeerInfo, ProducerInfo, TranscriptEntryWire, TranslationCapabilities } from '../signaling/protocol';

/** What the offline default server offers: English speech, a few caption languages. */
export const FAKE_TRANSLATION_CAPS: TranslationCapabilities = {
  speechLanguages: [{ code: 'en', name: 'English' }],
  captionLanguages: [
    { code: 'en', name: 'English' },
    { code: 'de', name: 'German' },
    { code: 'es', name: 'Spanish' },
    { code: 'fr', name: 'French', via: ['es'] },
  ],
  voices: [
    { language: 'en', engine: 'fake' },
    { language: 'de', engine: 'fake' },
    { language: 'es', engine: 'fake' },
  ],
  allLanguages: [
    { code: 'en', name: 'English' },
    { code: 'de', name: 'German' },
    { code: 'es', name: 'Spanish' },
    { code: 'fr', name: 'French' },
  ],
  note: 'Speech is recognised in English only.',
};

type Handler = (data: Record<string, unknown>) => unknown;

export interface RecordedRequest {
  method: string;
  data: Record<string, unknown>;
}

export class FakeSfu {
  /** The newest socket; every socket made is in `sockets`. */
  socket: FakeWebSocket | undefined;
  readonly sockets: FakeWebSocket[] = [];
  /** While true the server is "down": new sockets close (1006) without opening. */
  down = false;
  /** How many joins were answered; join n > 1 gets peer id `self-peer-n` (a new session). */
  joins = 0;
  readonly log: RecordedRequest[] = [];
  /** Peers already in the room when we join. */
  existingPeers: PeerInfo[] = [];
  /** Producers whose consume answers producerPaused: true. */
  readonly pausedProducers = new Set<string>();
  /** Override or fail individual methods. */
  readonly overrides = new Map<string, Handler>();
  /** Methods that get no response at all. */
  readonly silent = new Set<string>();
  /** When set, consume responses carry this mid (like mediasoup); otherwise none. */
  consumerMid: ((n: number) => string) | undefined;
  /** The join response's `translation`; undefined = an older server that has none. */
  translation: TranslationCapabilities | undefined = FAKE_TRANSLATION_CAPS;
  /** The join response's ICE servers. */
  iceServers: RTCIceServer[] = [];
  /** What getTranscript answers. */
  transcript: TranscriptEntryWire[] = [];
  private consumeCount = 0;
  private nextId = 1;
  private readonly producerKinds = new Map<string, 'audio' | 'video'>();

  createSocket = (url: string): FakeWebSocket => {
    const ws = new FakeWebSocket(url);
    this.socket = ws;
    this.sockets.push(ws);
    ws.onSend = (frame) => this.onFrame(ws, frame);
    const down = this.down;
    queueMicrotask(() => (down ? ws.serverClose(1006) : ws.serverOpen()));
    return ws;
  };

  /** Drops the current connection the way a crashed server does (1006, no close frame). */
  crash(): void {
    this.down = true;
    this.socket?.serverClose(1006);
  }

  notify(method: string, data: unknown): void {
    this.socket!.serverSend({ notification: true, method, data });
  }

  /** Registers a producer id so consume knows its kind. */
  knowProducer(p: ProducerInfo): void {
    this.producerKinds.set(p.id, p.kind);
  }

  methods(): string[] {
    return this.log.map((r) => r.method);
  }

  private onFrame(ws: FakeWebSocket, frame: string): void {
    const req = JSON.parse(frame) as { id: number; method: string; data: Record<string, unknown> };
    this.log.push({ method: req.method, data: req.data });
    if (this.silent.has(req.method)) return;
    // Answer asynchronously, like a network would.
    setTimeout(() => {
      try {
        if (ws.readyState !== FakeWebSocket.OPEN) return;
        const data = this.handle(req.method, req.data);
        ws.serverSend({ response: true, id: req.id, ok: true, data });
      } catch (err) {
        const e = err as { code?: string; message?: string };
        ws.serverSend({
          response: true,
          id: req.id,
          ok: false,
          error: { code: e.code ?? 'internal', message: e.message ?? 'error' },
        });
      }
    }, 0);
  }

  private handle(method: string, data: Record<string, unknown>): unknown {
    const o = this.overrides.get(method);
    if (o) return o(data);
    switch (method) {
      case 'getRouterRtpCapabilities':
        return { rtpCapabilities: testFakeParameters.generateRouterRtpCapabilities() };
      case 'join':
        for (const p of this.existingPeers) p.producers.forEach((pr) => this.knowProducer(pr));
        this.joins++;
        return {
          peerId: this.joins === 1 ? 'self-peer' : `self-peer-${this.joins}`,
          roomId: data.roomId,
          peers: structuredClone(this.existingPeers),
          iceServers: structuredClone(this.iceServers),
          ...(this.translation ? { translation: structuredClone(this.translation) } : {}),
        };
      case 'getTranslationCapabilities':
        if (!this.translation) throw Object.assign(new Error('no such method'), { code: 'unknown_method' });
        return structuredClone(this.translation);
      case 'getTranscript':
        return { entries: structuredClone(this.transcript) };
      case 'createWebRtcTransport': {
        const t = testFakeParameters.generateTransportRemoteParameters();
        return { id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters };
      }
      case 'produce':
        return { id: `prod-${this.nextId++}` };
      case 'consume': {
        const producerId = String(data.producerId);
        const kind = this.producerKinds.get(producerId);
        if (!kind) throw Object.assign(new Error(`no producer ${producerId}`), { code: 'not_found' });
        const p = testFakeParameters.generateConsumerRemoteParameters({
          id: `cons-${this.nextId++}`,
          codecMimeType: kind === 'audio' ? 'audio/opus' : 'video/VP8',
        });
        const n = this.consumeCount++;
        const rtpParameters = this.consumerMid ? { ...p.rtpParameters, mid: this.consumerMid(n) } : { ...p.rtpParameters, mid: undefined };
        return { id: p.id, producerId, kind: p.kind, rtpParameters, producerPaused: this.pausedProducers.has(producerId) };
      }
      case 'chat':
        return { id: `chat-${this.nextId++}`, timestamp: 1_700_000_000_000 };
      default:
        return {};
    }
  }
}
