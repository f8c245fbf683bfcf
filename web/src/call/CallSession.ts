// The call flow of docs/protocol.md ("Call flow"), driven by plain TypeScript so it can
// be tested without React or a browser. It owns the signaling client, the mediasoup
// Device, both transports, the local producers and every consumer, and reports what
// the UI needs through a Store<CallState>.
import { Device, type types as ms } from 'mediasoup-client';
import { SignalingClient, signalingUrlFor } from '../signaling/SignalingClient';
import { SignalingError } from '../signaling/SignalingError';
import {
  MAX_CHAT_LENGTH,
  utf8Length,
  type Notification,
  type ProducerInfo,
  type ProducerSource,
} from '../signaling/protocol';
import { Store } from './Store';
import {
  callReducer,
  initialCallState,
  type CallAction,
  type CallState,
  type TransportDirection,
  type TransportState,
} from './callState';

export type CallStore = Store<CallState, CallAction>;

export interface CallSessionDeps {
  createSignaling: () => SignalingClient;
  createDevice: () => Promise<Device>;
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  now: () => number;
}

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

export interface CallTimeline {
  /** performance.now() when the join response arrived. */
  joinedAt: number | undefined;
  /** performance.now() when the first remote video frame was shown. */
  firstRemoteFrameAt: number | undefined;
}

/** 640x480 at 30 fps, as ideals: a camera that cannot do it still works. */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 640 },
  height: { ideal: 480 },
  frameRate: { ideal: 30 },
};

const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

interface ConsumerEntry {
  consumer: ms.Consumer;
  peerId: string;
  source: ProducerSource;
}

export function browserDeps(): CallSessionDeps {
  return {
    createSignaling: () => new SignalingClient({ url: signalingUrlFor(location) }),
    createDevice: () => Device.factory(),
    getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c),
    now: () => performance.now(),
  };
}

export class CallSession {
  readonly store: CallStore;
  readonly timeline: CallTimeline = { joinedAt: undefined, firstRemoteFrameAt: undefined };

  private readonly deps: CallSessionDeps;
  private signaling: SignalingClient | undefined;
  private device: Device | undefined;
  private sendTransport: ms.Transport | undefined;
  private recvTransport: ms.Transport | undefined;
  private micProducer: ms.Producer | undefined;
  private camProducer: ms.Producer | undefined;
  private localStream: MediaStream | undefined;
  private readonly consumers = new Map<string, ConsumerEntry>();
  /** Producer ids we consume or are about to consume; guards against consuming twice. */
  private readonly consumedProducers = new Set<string>();
  /** Consumers the server closed while our consume() was still in flight. */
  private readonly closedConsumerIds = new Set<string>();
  private readonly goneProducers = new Set<string>();
  /** Settles when the recv transport exists; newProducer may arrive before that. */
  private readonly recvReady: Promise<void>;
  private markRecvReady: (ok: boolean) => void = () => {};
  private ended = false;
  private nextLocalMid = 0;
  private joinStarted = false;

  constructor(deps: CallSessionDeps, store?: CallStore) {
    this.deps = deps;
    this.store = store ?? new Store(callReducer, initialCallState());
    this.recvReady = new Promise<void>((resolve, reject) => {
      this.markRecvReady = (ok) => (ok ? resolve() : reject(new SignalingError('closed', 'No receive transport')));
    });
    this.recvReady.catch(() => {});
  }

  get state(): CallState {
    return this.store.getState();
  }

  get peerId(): string | undefined {
    return this.state.selfPeerId;
  }

  /** Runs the whole join flow. Failures end up in the store as a fatal error. */
  async join(roomId: string, displayName: string): Promise<void> {
    if (this.joinStarted) throw new Error('CallSession.join() may be called once');
    this.joinStarted = true;
    this.dispatch({ type: 'connecting', roomId, displayName });
    try {
      await this.runJoin(roomId, displayName);
    } catch (err) {
      if (this.ended) return;
      this.fail(err, 'Could not join the call');
    }
  }

  private async runJoin(roomId: string, displayName: string): Promise<void> {
    const signaling = this.deps.createSignaling();
    this.signaling = signaling;
    signaling.on('notification', (n) => this.onNotification(n));
    signaling.on('close', (ev) => {
      if (ev.byClient || this.ended) return;
      this.fail(
        new SignalingError('closed', `Lost the connection to the server (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`),
        'Connection lost',
      );
    });
    signaling.on('protocolError', (err) => {
      this.dispatch({ type: 'error', code: err.code, message: `Server: ${err.message}`, fatal: false });
    });

    // Media capture runs while we talk to the server; the permission prompt overlaps the RTTs.
    const mediaPromise = this.acquireLocalMedia();

    await signaling.connect();
    this.assertActive();
    const { rtpCapabilities } = await signaling.request('getRouterRtpCapabilities', {});
    const device = await this.deps.createDevice();
    await device.load({ routerRtpCapabilities: rtpCapabilities });
    this.device = device;
    this.assertActive();

    const joined = await signaling.request('join', {
      roomId,
      displayName,
      rtpCapabilities: device.rtpCapabilities,
    });
    this.timeline.joinedAt = this.deps.now();
    this.assertActive();
    this.dispatch({ type: 'joined', selfPeerId: joined.peerId, peers: joined.peers });

    const iceServers = joined.iceServers ?? [];
    const recvSetup = this.createTransport('recv', iceServers);
    recvSetup.then(
      () => this.markRecvReady(true),
      () => this.markRecvReady(false),
    );
    // Consuming does not wait for our own producers: we see others as early as possible.
    const consumeExisting = recvSetup.then(() =>
      Promise.all(joined.peers.flatMap((p) => p.producers).map((pr) => this.consumeProducer(pr))),
    );
    const sendSetup = this.createTransport('send', iceServers);
    const produceLocal = Promise.all([sendSetup, mediaPromise]).then(([, stream]) => this.produceLocal(stream));
    await Promise.all([consumeExisting, produceLocal]);
  }

  private async acquireLocalMedia(): Promise<MediaStream | undefined> {
    const gum = this.deps.getUserMedia;
    try {
      return await gum({ audio: AUDIO_CONSTRAINTS, video: CAMERA_CONSTRAINTS });
    } catch (both) {
      // One device may be missing or refused: try each alone so the other still works.
      const stream = new MediaStreamCtor();
      const [a, v] = await Promise.allSettled([gum({ audio: AUDIO_CONSTRAINTS }), gum({ video: CAMERA_CONSTRAINTS })]);
      if (a.status === 'fulfilled') a.value.getTracks().forEach((t) => stream.addTrack(t));
      else this.warn('mic_unavailable', `Microphone unavailable: ${describe(a.reason)}`);
      if (v.status === 'fulfilled') v.value.getTracks().forEach((t) => stream.addTrack(t));
      else this.warn('camera_unavailable', `Camera unavailable: ${describe(v.reason)}`);
      if (a.status === 'rejected' && v.status === 'rejected') {
        console.warn('[CallSession] getUserMedia failed', both);
        return undefined;
      }
      return stream;
    }
  }

  private async createTransport(direction: TransportDirection, iceServers: RTCIceServer[]): Promise<ms.Transport> {
    const signaling = this.requireSignaling();
    const device = this.device!;
    const info = await signaling.request('createWebRtcTransport', { direction });
    this.assertActive();
    const options: ms.TransportOptions = {
      id: info.id,
      iceParameters: info.iceParameters,
      iceCandidates: info.iceCandidates,
      dtlsParameters: info.dtlsParameters,
      iceServers,
    };
    const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      signaling
        .request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), (err: Error) => errback(err));
    });
    transport.on('connectionstatechange', (state) => {
      this.dispatch({ type: 'transportState', direction, state: state as TransportState });
      if (state === 'failed' && !this.ended) {
        this.warn('ice_failed', `Media connection failed (${direction} transport): audio/video cannot flow`);
      }
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = (appData as { source?: ProducerSource }).source;
        signaling
          .request('produce', {
            transportId: transport.id,
            kind,
            rtpParameters,
            ...(source ? { appData: { source } } : {}),
          })
          .then(({ id }) => callback({ id }), (err: Error) => errback(err));
      });
      this.sendTransport = transport;
    } else {
      this.recvTransport = transport;
    }
    return transport;
  }

  private async produceLocal(stream: MediaStream | undefined): Promise<void> {
    if (this.ended) {
      stream?.getTracks().forEach((t) => t.stop());
      return;
    }
    this.localStream = stream;
    const transport = this.sendTransport!;
    const device = this.device!;
    const audio = stream?.getAudioTracks()[0];
    const video = stream?.getVideoTracks()[0];
    if (video) this.dispatch({ type: 'localMedia', patch: { videoTrack: video } });

    const tasks: Promise<void>[] = [];
    if (audio && device.canProduce('audio')) {
      tasks.push(
        transport.produce({ track: audio, appData: { source: 'mic' } }).then(
          (p) => {
            this.micProducer = p;
            this.dispatch({ type: 'localMedia', patch: { micOn: true, micAvailable: true } });
          },
          (err: unknown) => this.warn('produce_failed', `Could not send your microphone: ${describe(err)}`),
        ),
      );
    }
    if (video && device.canProduce('video')) {
      tasks.push(
        transport.produce({ track: video, appData: { source: 'webcam' } }).then(
          (p) => {
            this.camProducer = p;
            this.dispatch({ type: 'localMedia', patch: { camOn: true, camAvailable: true } });
          },
          (err: unknown) => this.warn('produce_failed', `Could not send your camera: ${describe(err)}`),
        ),
      );
    }
    await Promise.all(tasks);
  }

  /** consume -> recvTransport.consume -> resumeConsumer (the consumer starts paused). */
  private async consumeProducer(pr: ProducerInfo): Promise<void> {
    if (pr.peerId === this.state.selfPeerId || this.consumedProducers.has(pr.id)) return;
    this.consumedProducers.add(pr.id);
    try {
      await this.recvReady;
      if (this.ended || this.goneProducers.has(pr.id)) return;
      const signaling = this.requireSignaling();
      const transport = this.recvTransport!;
      const res = await signaling.request('consume', { transportId: transport.id, producerId: pr.id });
      if (this.ended) return;
      const consumer = await transport.consume({
        id: res.id,
        producerId: res.producerId,
        kind: res.kind,
        rtpParameters: this.withMid(res.rtpParameters),
        appData: { peerId: pr.peerId, source: pr.source },
      });
      if (this.ended || this.closedConsumerIds.has(consumer.id) || this.goneProducers.has(pr.id)) {
        consumer.close();
        return;
      }
      this.consumers.set(consumer.id, { consumer, peerId: pr.peerId, source: pr.source });
      if (res.producerPaused !== pr.paused) {
        this.dispatch({ type: 'producerPausedChanged', producerId: pr.id, peerId: pr.peerId, paused: res.producerPaused });
      }
      this.dispatch({
        type: 'consumerAdded',
        consumer: {
          id: consumer.id,
          producerId: pr.id,
          peerId: pr.peerId,
          kind: res.kind,
          source: pr.source,
          track: consumer.track,
        },
      });
      await signaling.request('resumeConsumer', { consumerId: consumer.id });
    } catch (err) {
      this.consumedProducers.delete(pr.id);
      if (this.ended || this.goneProducers.has(pr.id)) return;
      this.warn('consume_failed', `Could not receive ${pr.kind} from a participant: ${describe(err)}`);
    }
  }

  /**
   * mediasoup-client derives a missing `mid` from its transceiver count, which repeats
   * when consumers are created in one batch or after one closes ("Duplicate a=mid").
   * A server that leaves `mid` out cannot be writing a MID header extension of its own,
   * so any unique value of ours is safe.
   */
  private withMid(rtp: ms.RtpParameters): ms.RtpParameters {
    if (rtp.mid !== undefined && rtp.mid !== '') return rtp;
    return { ...rtp, mid: `c${this.nextLocalMid++}` };
  }

  private onNotification(n: Notification): void {
    if (this.ended) return;
    switch (n.method) {
      case 'peerJoined':
        this.dispatch({ type: 'peerJoined', id: n.data.id, displayName: n.data.displayName });
        break;
      case 'peerLeft':
        for (const [id, e] of this.consumers) {
          if (e.peerId === n.data.peerId) this.closeConsumer(id);
        }
        for (const pid of Object.keys(this.state.peers[n.data.peerId]?.producers ?? {})) this.goneProducers.add(pid);
        this.dispatch({ type: 'peerLeft', peerId: n.data.peerId });
        break;
      case 'newProducer':
        this.dispatch({ type: 'producerAdded', producer: n.data });
        // Before the recv transport exists, consumeProducer waits for it.
        void this.consumeProducer(n.data);
        break;
      case 'producerClosed':
        this.goneProducers.add(n.data.producerId);
        for (const [id, e] of this.consumers) {
          if (e.consumer.producerId === n.data.producerId) this.closeConsumer(id);
        }
        this.dispatch({ type: 'producerClosed', producerId: n.data.producerId, peerId: n.data.peerId });
        break;
      case 'producerPaused':
      case 'producerResumed':
        this.dispatch({
          type: 'producerPausedChanged',
          producerId: n.data.producerId,
          peerId: n.data.peerId,
          paused: n.method === 'producerPaused',
        });
        break;
      case 'consumerClosed':
        if (this.consumers.has(n.data.consumerId)) this.closeConsumer(n.data.consumerId);
        else this.closedConsumerIds.add(n.data.consumerId);
        break;
      case 'chat':
        this.dispatch({
          type: 'chatMessage',
          message: { ...n.data, fromSelf: false },
        });
        break;
    }
  }

  private closeConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    this.consumers.delete(consumerId);
    entry?.consumer.close();
    this.dispatch({ type: 'consumerClosed', consumerId });
  }

  // ---- User actions ---------------------------------------------------------------------

  async setMicEnabled(on: boolean): Promise<void> {
    await this.setProducerEnabled(this.micProducer, on, 'micOn');
  }

  async setCamEnabled(on: boolean): Promise<void> {
    await this.setProducerEnabled(this.camProducer, on, 'camOn');
  }

  private async setProducerEnabled(
    producer: ms.Producer | undefined,
    on: boolean,
    key: 'micOn' | 'camOn',
  ): Promise<void> {
    if (!producer || producer.closed || this.ended) return;
    if (on === !producer.paused) return;
    // Local first: the button reacts at once and no more media is sent.
    if (on) producer.resume();
    else producer.pause();
    this.dispatch({ type: 'localMedia', patch: { [key]: on } });
    try {
      await this.requireSignaling().request(on ? 'resumeProducer' : 'pauseProducer', { producerId: producer.id });
    } catch (err) {
      // The server did not follow: put the local side back so both agree.
      if (on) producer.pause();
      else producer.resume();
      this.dispatch({ type: 'localMedia', patch: { [key]: !on } });
      this.warn('toggle_failed', `Could not turn ${key === 'micOn' ? 'microphone' : 'camera'} ${on ? 'on' : 'off'}: ${describe(err)}`);
    }
  }

  async sendChat(text: string): Promise<boolean> {
    const body = text.trim();
    if (body === '' || this.ended || this.state.phase !== 'joined') return false;
    if (utf8Length(body) > MAX_CHAT_LENGTH) {
      this.warn('chat_too_long', `Messages are limited to ${MAX_CHAT_LENGTH} characters`);
      return false;
    }
    try {
      const res = await this.requireSignaling().request('chat', { text: body });
      const self = this.state;
      this.dispatch({
        type: 'chatMessage',
        message: {
          id: res.id,
          peerId: self.selfPeerId ?? '',
          displayName: self.displayName,
          text: body,
          timestamp: res.timestamp,
          fromSelf: true,
        },
      });
      return true;
    } catch (err) {
      this.warn('chat_failed', `Message not sent: ${describe(err)}`);
      return false;
    }
  }

  dismissError(id: number): void {
    this.dispatch({ type: 'dismissError', id });
  }

  /** Leaves politely (the `leave` request), then frees everything. Safe to call twice. */
  async leave(): Promise<void> {
    if (this.ended) return;
    const signaling = this.signaling;
    const wasJoined = this.state.phase === 'joined';
    this.ended = true;
    if (signaling && wasJoined && signaling.state === 'open') {
      try {
        await signaling.request('leave', {}, { timeoutMs: 3000 });
      } catch {
        // Closing the socket frees the session on the server anyway.
      }
    }
    this.teardown();
    this.dispatch({ type: 'left' });
  }

  /** Frees everything without telling the server (page unload, failure). */
  private teardown(): void {
    this.ended = true;
    this.markRecvReady(false);
    for (const e of this.consumers.values()) e.consumer.close();
    this.consumers.clear();
    this.micProducer?.close();
    this.camProducer?.close();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.localStream?.getTracks().forEach((t) => t.stop());
    this.localStream = undefined;
    this.signaling?.close();
  }

  private fail(err: unknown, context: string): void {
    const code = err instanceof SignalingError ? err.code : 'error';
    const message = err instanceof SignalingError ? err.describe() : describe(err);
    this.teardown();
    this.dispatch({ type: 'error', code, message: `${context}: ${message}`, fatal: true });
  }

  // ---- Test hooks -----------------------------------------------------------------------

  markRemoteFrame(): void {
    if (this.timeline.firstRemoteFrameAt === undefined) this.timeline.firstRemoteFrameAt = this.deps.now();
  }

  async consumerStats(): Promise<ConsumerStats[]> {
    const out: ConsumerStats[] = [];
    for (const [id, e] of this.consumers) {
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
        report.forEach((s: Record<string, unknown>) => {
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

  // ---- Helpers --------------------------------------------------------------------------

  private dispatch(action: CallAction): void {
    this.store.dispatch(action);
  }

  private warn(code: string, message: string): void {
    this.dispatch({ type: 'error', code, message, fatal: false });
  }

  private requireSignaling(): SignalingClient {
    if (!this.signaling) throw new SignalingError('not_connected', 'Not connected');
    return this.signaling;
  }

  private assertActive(): void {
    if (this.ended) throw new SignalingError('closed', 'The call was left');
  }
}

/** MediaStream is a browser global; tests run where it may be absent. */
const MediaStreamCtor: { new (): MediaStream } =
  typeof MediaStream !== 'undefined'
    ? MediaStream
    : (class {
        private readonly tracks: MediaStreamTrack[] = [];
        addTrack(t: MediaStreamTrack) {
          this.tracks.push(t);
        }
        getTracks() {
          return [...this.tracks];
        }
        getAudioTracks() {
          return this.tracks.filter((t) => t.kind === 'audio');
        }
        getVideoTracks() {
          return this.tracks.filter((t) => t.kind === 'video');
        }
      } as unknown as { new (): MediaStream });

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function describe(err: unknown): string {
  if (err instanceof SignalingError) return err.describe();
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
