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
  type TranslationCapabilities as TranslationCapabilitiesT,
} from '../signaling/protocol';
import { readTokenHints, type JoinCredentials } from '../access/roomAccess';
import type { JoinPermissions } from '../signaling/protocol';
import { CallLink } from './CallLink';
import { DEFAULT_RECONNECT_POLICY, isRetryableError, isTerminalClose, reconnectDelay, type ReconnectPolicy } from './reconnectPolicy';
import { Store } from './Store';
import { TranslationController, type TranslationDeps } from '../translation/TranslationController';
import { VoiceMonitor, type CreateLevelMeter } from '../translation/VoiceMonitor';
import { createWebAudioMeter } from '../translation/webAudioMeter';
import { isTranslationProducer, planVoiceConsumers, wantsTranslationVoice } from '../translation/voiceSelection';
import { sameChoice, type LanguageSettings } from '../translation/languages';
import {
  callReducer,
  initialCallState,
  selectTranslationProducers,
  selectTranslationVoices,
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
  /** Backoff schedule; DEFAULT_RECONNECT_POLICY when absent. */
  reconnectPolicy?: ReconnectPolicy;
  /** Jitter source (Math.random when absent). */
  random?: () => number;
  /** Language settings storage and browser defaults. */
  translation?: TranslationDeps;
  /** Measures translated voices for ducking; without it originals are never ducked. */
  createLevelMeter?: CreateLevelMeter;
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
  /** performance.now() when the connection was last lost (start of "reconnecting"). */
  lostAt: number | undefined;
  /** performance.now() when the last reconnect got its join response. */
  rejoinedAt: number | undefined;
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

export function browserDeps(): CallSessionDeps {
  return {
    createSignaling: () => new SignalingClient({ url: signalingUrlFor(location) }),
    createDevice: () => Device.factory(),
    getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c),
    now: () => performance.now(),
    translation: { storage: browserStorage(), preferredLanguages: browserLanguages() },
    createLevelMeter: createWebAudioMeter,
  };
}

function browserStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

function browserLanguages(): string[] {
  if (typeof navigator === 'undefined') return [];
  if (navigator.languages?.length) return [...navigator.languages];
  return navigator.language ? [navigator.language] : [];
}

export class CallSession {
  readonly store: CallStore;
  /** Language settings, captions and transcript. */
  readonly translation: TranslationController;
  /** Levels of translated voices and which originals are ducked. */
  readonly voice: VoiceMonitor;
  readonly timeline: CallTimeline = {
    joinedAt: undefined,
    firstRemoteFrameAt: undefined,
    lostAt: undefined,
    rejoinedAt: undefined,
  };

  private readonly deps: CallSessionDeps;
  private readonly policy: ReconnectPolicy;
  /** The current connection; replaced whole by a reconnect. */
  private link: CallLink | undefined;
  /** The lost link while reconnecting: its consumers stay open so tiles keep their last frame. */
  private frozenLink: CallLink | undefined;
  private localStream: MediaStream | undefined;
  private localMedia: Promise<MediaStream | undefined> | undefined;
  private roomId = '';
  private displayName = '';
  private ended = false;
  private reconnecting = false;
  /** Cuts a reconnect backoff wait short (leave). */
  private wakeBackoff: (() => void) | undefined;
  private nextLocalMid = 0;
  private joinStarted = false;
  /** Token and passcode, sent with every join (rejoins too). */
  private credentials: JoinCredentials = {};
  private joinPermissions: JoinPermissions = { publish: true, subscribe: true, chat: true };

  constructor(deps: CallSessionDeps, store?: CallStore) {
    this.deps = deps;
    this.policy = deps.reconnectPolicy ?? DEFAULT_RECONNECT_POLICY;
    this.store = store ?? new Store(callReducer, initialCallState());
    this.translation = new TranslationController(deps.translation);
    this.voice = new VoiceMonitor(deps.createLevelMeter, deps.now);
    this.store.subscribe(() => this.syncVoices());
  }

  private voiceKey = '';

  /** Keeps the level meters on the translated voices playing now. */
  private syncVoices(): void {
    if (this.ended) return;
    const voices = selectTranslationVoices(this.state);
    const key = voices.map((v) => `${v.id}:${v.track.id}`).join(',');
    if (key === this.voiceKey) return;
    this.voiceKey = key;
    this.voice.sync(voices.map((v) => ({ consumerId: v.id, speakerPeerId: v.speakerPeerId, track: v.track })));
  }

  get state(): CallState {
    return this.store.getState();
  }

  get peerId(): string | undefined {
    return this.state.selfPeerId;
  }

  /** What the server lets us do (a join token may allow less than everything). */
  get permissions(): JoinPermissions {
    return this.joinPermissions;
  }

  /** Runs the whole join flow. Failures end up in the store as a fatal error. */
  async join(roomId: string, displayName: string, credentials: JoinCredentials = {}): Promise<void> {
    if (this.joinStarted) throw new Error('CallSession.join() may be called once');
    this.joinStarted = true;
    this.roomId = roomId;
    this.displayName = displayName;
    this.credentials = credentials;
    // The token's own (unverified) claims tell early whether asking for camera and mic makes sense.
    if (credentials.token) this.joinPermissions = readTokenHints(credentials.token)?.permissions ?? this.joinPermissions;
    this.dispatch({ type: 'connecting', roomId, displayName });
    // Media capture runs while we talk to the server; the permission prompt overlaps the RTTs.
    const capture = this.joinPermissions.publish ? this.acquireLocalMedia() : Promise.resolve(undefined);
    this.localMedia = capture.then((stream) => {
      if (this.ended) stream?.getTracks().forEach((t) => t.stop());
      else this.localStream = stream;
      return this.ended ? undefined : stream;
    });
    let link: CallLink | undefined;
    try {
      link = this.openLink();
      await this.runJoin(link, false);
    } catch (err) {
      // A link that was replaced (a reconnect took over) or a left call reports nothing.
      if (this.ended || link?.closed) return;
      this.fail(err, 'Could not join the call');
    }
  }

  private openLink(): CallLink {
    const signaling = this.deps.createSignaling();
    const link = new CallLink(signaling);
    this.link = link;
    signaling.on('notification', (n) => {
      if (this.isCurrent(link)) this.onNotification(link, n);
    });
    signaling.on('close', (ev) => {
      if (ev.byClient) return;
      const how = `code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}`;
      if (isTerminalClose(ev.code)) {
        this.onLinkLost(link, `The server closed the connection (${how})`, true);
      } else {
        this.onLinkLost(link, `Lost the connection to the server (${how})`, false);
      }
    });
    signaling.on('protocolError', (err) => {
      if (this.isCurrent(link)) this.dispatch({ type: 'error', code: err.code, message: `Server: ${err.message}`, fatal: false });
    });
    return link;
  }

  /** The protocol.md call flow on one link. `rejoin`: a reconnect, with local media already known. */
  private async runJoin(link: CallLink, rejoin: boolean): Promise<void> {
    const signaling = link.signaling;
    await signaling.connect();
    this.assertLive(link);
    const { rtpCapabilities } = await signaling.request('getRouterRtpCapabilities', {});
    const device = await this.deps.createDevice();
    await device.load({ routerRtpCapabilities: rtpCapabilities });
    link.device = device;
    this.assertLive(link);

    const sentChoice = this.translation.choice;
    const joined = await signaling.request('join', {
      roomId: this.roomId,
      displayName: this.displayName,
      rtpCapabilities: device.rtpCapabilities,
      ...this.credentials,
      languages: sentChoice,
    });
    this.assertLive(link);
    link.joined = true;
    // Changed while the join was on its way: the server has the old choice.
    if (!sameChoice(sentChoice, this.translation.choice)) {
      signaling.request('setLanguages', this.translation.choice).catch((err: unknown) => {
        if (this.isCurrent(link)) this.warn('languages_failed', `Could not change languages: ${describe(err)}`);
      });
    }
    if (joined.permissions) this.joinPermissions = joined.permissions;
    if (rejoin) this.timeline.rejoinedAt = this.deps.now();
    else this.timeline.joinedAt = this.deps.now();
    this.dispatch({ type: 'joined', selfPeerId: joined.peerId, peers: joined.peers, rejoin });
    // The tiles from before are replaced now; their frozen frames can go.
    this.releaseFrozenLink();
    void this.loadTranslationInfo(link, joined.translation);

    const iceServers = joined.iceServers ?? [];
    const recvSetup = this.createTransport(link, 'recv', iceServers);
    recvSetup.then(
      () => link.markRecvReady(true),
      () => link.markRecvReady(false),
    );
    // Consuming does not wait for our own producers: we see others as early as possible.
    const consumeExisting = recvSetup.then(() =>
      Promise.all(joined.peers.flatMap((p) => p.producers).map((pr) => this.consumeProducer(link, pr))),
    );
    const sendSetup = this.createTransport(link, 'send', iceServers);
    const produceLocal = Promise.all([sendSetup, this.localMedia]).then(([, stream]) =>
      this.produceLocal(link, this.joinPermissions.publish ? stream : undefined, rejoin),
    );
    await Promise.all([consumeExisting, produceLocal]);
  }

  /** Capabilities (if the join response had none) and the room's transcript so far. */
  private async loadTranslationInfo(link: CallLink, caps: TranslationCapabilitiesT | undefined): Promise<void> {
    const signaling = link.signaling;
    const tasks: Promise<unknown>[] = [];
    if (caps) this.translation.setCapabilities(caps);
    else {
      tasks.push(
        signaling.request('getTranslationCapabilities', {}).then(
          (c) => this.isCurrent(link) && this.translation.setCapabilities(c),
          (err: unknown) => console.info('[CallSession] no translation capabilities:', describe(err)),
        ),
      );
    }
    tasks.push(
      signaling.request('getTranscript', {}).then(
        (t) => this.isCurrent(link) && this.translation.addTranscript(t.entries ?? []),
        (err: unknown) => console.info('[CallSession] no transcript:', describe(err)),
      ),
    );
    await Promise.all(tasks);
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

  private async createTransport(
    link: CallLink,
    direction: TransportDirection,
    iceServers: RTCIceServer[],
  ): Promise<ms.Transport> {
    const signaling = link.signaling;
    const device = link.device!;
    const info = await signaling.request('createWebRtcTransport', { direction });
    this.assertLive(link);
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
      if (!this.isCurrent(link)) return;
      this.dispatch({ type: 'transportState', direction, state: state as TransportState });
      // ICE consent lost (server gone, network changed): the same way back as a lost socket.
      if (state === 'failed') this.onLinkLost(link, `Media connection failed (${direction} transport)`, false);
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
      link.sendTransport = transport;
    } else {
      link.recvTransport = transport;
    }
    return transport;
  }

  /**
   * Sends the microphone and camera. On a rejoin the same tracks are sent again, and a
   * device the user had turned off is paused straight away so it stays off for everyone.
   */
  private async produceLocal(link: CallLink, stream: MediaStream | undefined, rejoin: boolean): Promise<void> {
    if (!this.isCurrent(link)) return;
    const transport = link.sendTransport!;
    const device = link.device!;
    const audio = live(stream?.getAudioTracks()[0]);
    const video = live(stream?.getVideoTracks()[0]);
    if (video && !rejoin) this.dispatch({ type: 'localMedia', patch: { videoTrack: video } });

    const produce = async (track: MediaStreamTrack, source: 'mic' | 'webcam'): Promise<void> => {
      const key = source === 'mic' ? 'micOn' : 'camOn';
      const wantOn = rejoin ? this.state.local[key] : true;
      // A producer paused on the old link disabled this track; enable it to match.
      track.enabled = wantOn;
      try {
        const producer = await transport.produce({ track, appData: { source }, stopTracks: false });
        if (!this.isCurrent(link)) return;
        if (source === 'mic') link.micProducer = producer;
        else link.camProducer = producer;
        if (rejoin) {
          if (!this.state.local[key]) await this.pauseNewProducer(link, producer);
        } else {
          this.dispatch({
            type: 'localMedia',
            patch: source === 'mic' ? { micOn: true, micAvailable: true } : { camOn: true, camAvailable: true },
          });
        }
      } catch (err) {
        if (!this.isCurrent(link)) return;
        this.warn('produce_failed', `Could not send your ${source === 'mic' ? 'microphone' : 'camera'}: ${describe(err)}`);
      }
    };

    const tasks: Promise<void>[] = [];
    if (audio && device.canProduce('audio')) tasks.push(produce(audio, 'mic'));
    if (video && device.canProduce('video')) tasks.push(produce(video, 'webcam'));
    await Promise.all(tasks);
  }

  private async pauseNewProducer(link: CallLink, producer: ms.Producer): Promise<void> {
    producer.pause();
    await link.signaling.request('pauseProducer', { producerId: producer.id });
  }

  /** consume -> recvTransport.consume -> resumeConsumer (the consumer starts paused). */
  private async consumeProducer(link: CallLink, pr: ProducerInfo): Promise<void> {
    if (pr.peerId === this.state.selfPeerId || link.consumedProducers.has(pr.id)) return;
    if (!this.joinPermissions.subscribe) return;
    const translation = isTranslationProducer(pr);
    // A translated voice is received only in our caption language, with voice on.
    if (translation && !wantsTranslationVoice(pr, this.translation.choice, this.state.selfPeerId)) return;
    link.consumedProducers.add(pr.id);
    try {
      await link.recvReady;
      if (!this.isCurrent(link) || link.goneProducers.has(pr.id)) return;
      const signaling = link.signaling;
      const transport = link.recvTransport!;
      const res = await signaling.request('consume', { transportId: transport.id, producerId: pr.id });
      if (!this.isCurrent(link)) return;
      const consumer = await transport.consume({
        id: res.id,
        producerId: res.producerId,
        kind: res.kind,
        rtpParameters: this.withMid(res.rtpParameters),
        appData: { peerId: pr.peerId, source: pr.source },
      });
      const voiceInfo = translation ? { language: pr.language, speakerPeerId: pr.speakerPeerId ?? pr.peerId } : {};
      if (!this.isCurrent(link) || link.closedConsumerIds.has(consumer.id) || link.goneProducers.has(pr.id)) {
        consumer.close();
        return;
      }
      link.consumers.set(consumer.id, { consumer, peerId: pr.peerId, source: pr.source, ...voiceInfo });
      // The choice changed while we consumed: keep it, paused (the server's side starts paused).
      const unwanted = translation && !wantsTranslationVoice(pr, this.translation.choice, this.state.selfPeerId);
      if (unwanted) consumer.pause();
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
          ...voiceInfo,
          ...(unwanted ? { paused: true } : {}),
        },
      });
      if (unwanted) return;
      await signaling.request('resumeConsumer', { consumerId: consumer.id });
    } catch (err) {
      link.consumedProducers.delete(pr.id);
      if (!this.isCurrent(link) || link.goneProducers.has(pr.id)) return;
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

  private onNotification(link: CallLink, n: Notification): void {
    switch (n.method) {
      case 'peerJoined':
        this.dispatch({ type: 'peerJoined', id: n.data.id, displayName: n.data.displayName, languages: n.data.languages });
        break;
      case 'peerLanguages': {
        const { peerId, speak, captions, voice } = n.data;
        this.dispatch({ type: 'peerLanguages', peerId, languages: { speak, captions, voice } });
        break;
      }
      case 'caption':
        this.translation.onCaption(n.data);
        break;
      case 'peerLeft':
        for (const [id, e] of link.consumers) {
          if (e.peerId === n.data.peerId) this.closeConsumer(link, id);
        }
        for (const pid of Object.keys(this.state.peers[n.data.peerId]?.producers ?? {})) link.goneProducers.add(pid);
        this.dispatch({ type: 'peerLeft', peerId: n.data.peerId });
        break;
      case 'newProducer':
        this.dispatch({ type: 'producerAdded', producer: n.data });
        // Before the recv transport exists, consumeProducer waits for it.
        void this.consumeProducer(link, n.data);
        break;
      case 'producerClosed':
        link.goneProducers.add(n.data.producerId);
        for (const [id, e] of link.consumers) {
          if (e.consumer.producerId === n.data.producerId) this.closeConsumer(link, id);
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
        if (link.consumers.has(n.data.consumerId)) this.closeConsumer(link, n.data.consumerId);
        else link.closedConsumerIds.add(n.data.consumerId);
        break;
      case 'chat':
        this.dispatch({
          type: 'chatMessage',
          message: { ...n.data, fromSelf: false },
        });
        break;
    }
  }

  private closeConsumer(link: CallLink, consumerId: string): void {
    const entry = link.consumers.get(consumerId);
    link.consumers.delete(consumerId);
    entry?.consumer.close();
    this.dispatch({ type: 'consumerClosed', consumerId });
  }

  // ---- Losing the server and getting back -----------------------------------------------

  /**
   * The socket closed or a transport failed. A call that was joined goes to
   * "reconnecting"; a link still joining lets its own flow see the error.
   */
  private onLinkLost(link: CallLink, reason: string, terminal: boolean): void {
    if (!this.isCurrent(link)) return;
    if (terminal) {
      this.fail(new SignalingError('closed', reason), 'Disconnected');
      return;
    }
    if (!link.joined) return;
    if (this.reconnecting) {
      // A rejoin in flight lost its new link: its attempt fails and the loop tries again.
      link.close();
      return;
    }
    this.startReconnect(link, reason);
  }

  private startReconnect(link: CallLink, reason: string): void {
    this.reconnecting = true;
    const since = this.deps.now();
    this.timeline.lostAt = since;
    // Tiles keep their last frame: their peers stay in the state, and their consumers open,
    // until the rejoin replaces them.
    link.close({ keepReceiving: true });
    this.frozenLink = link;
    console.warn(`[CallSession] ${reason}; reconnecting`);
    this.dispatch({ type: 'reconnecting', reason, since });
    void this.reconnectLoop(since);
  }

  private async reconnectLoop(since: number): Promise<void> {
    let lastError: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const delay = reconnectDelay(attempt, this.policy, this.deps.random);
      const now = this.deps.now();
      if (now - since + delay > this.policy.giveUpAfterMs) {
        const secs = Math.round((now - since) / 1000);
        this.fail(
          new SignalingError('reconnect_failed', `Could not reconnect after ${secs} s${lastError ? ` (${lastError})` : ''}`),
          'Connection lost',
        );
        return;
      }
      this.dispatch({ type: 'reconnectAttempt', attempt: attempt - 1, nextAttemptAt: now + delay, lastError });
      await this.backoff(delay);
      if (this.ended) return;
      this.dispatch({ type: 'reconnectAttempt', attempt, nextAttemptAt: undefined });
      const link = this.openLink();
      try {
        await this.runJoin(link, true);
        if (link.closed) throw new SignalingError('closed', 'Lost the connection while rejoining');
        this.reconnecting = false;
        return;
      } catch (err) {
        if (this.ended) return;
        const retry = link.closed || isRetryableError(err);
        link.close();
        if (!retry) {
          this.fail(err, 'Could not rejoin the call');
          return;
        }
        lastError = describe(err);
        // The attempt got as far as a join response (phase "joined"): show reconnecting again.
        if (link.joined) this.dispatch({ type: 'reconnecting', reason: lastError, since });
      }
    }
  }

  private releaseFrozenLink(): void {
    this.frozenLink?.close();
    this.frozenLink = undefined;
  }

  private backoff(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeBackoff = done;
    }).finally(() => {
      this.wakeBackoff = undefined;
    });
  }

  // ---- User actions ---------------------------------------------------------------------

  async setMicEnabled(on: boolean): Promise<void> {
    await this.setProducerEnabled('mic', on);
  }

  async setCamEnabled(on: boolean): Promise<void> {
    await this.setProducerEnabled('cam', on);
  }

  private async setProducerEnabled(which: 'mic' | 'cam', on: boolean): Promise<void> {
    if (this.ended) return;
    const key = which === 'mic' ? 'micOn' : 'camOn';
    const link = this.link;
    const producer = which === 'mic' ? link?.micProducer : link?.camProducer;
    if (!link || link.closed || !producer || producer.closed) {
      // While reconnecting only the wish is kept; the rejoin sends the device in that state.
      const available = which === 'mic' ? this.state.local.micAvailable : this.state.local.camAvailable;
      if (this.state.phase === 'reconnecting' && available) this.dispatch({ type: 'localMedia', patch: { [key]: on } });
      return;
    }
    if (on === !producer.paused) return;
    // Local first: the button reacts at once and no more media is sent.
    if (on) producer.resume();
    else producer.pause();
    this.dispatch({ type: 'localMedia', patch: { [key]: on } });
    try {
      await link.signaling.request(on ? 'resumeProducer' : 'pauseProducer', { producerId: producer.id });
    } catch (err) {
      // The link went away meanwhile: the wish stands and a rejoin applies it.
      if (!this.isCurrent(link)) return;
      // The server did not follow: put the local side back so both agree.
      if (on) producer.pause();
      else producer.resume();
      this.dispatch({ type: 'localMedia', patch: { [key]: !on } });
      this.warn('toggle_failed', `Could not turn ${which === 'mic' ? 'microphone' : 'camera'} ${on ? 'on' : 'off'}: ${describe(err)}`);
    }
  }

  async sendChat(text: string): Promise<boolean> {
    const body = text.trim();
    const link = this.link;
    if (body === '' || this.ended || !link || this.state.phase !== 'joined') return false;
    if (utf8Length(body) > MAX_CHAT_LENGTH) {
      this.warn('chat_too_long', `Messages are limited to ${MAX_CHAT_LENGTH} characters`);
      return false;
    }
    try {
      const res = await link.signaling.request('chat', { text: body });
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
          language: this.translation.settings.speak,
        },
      });
      return true;
    } catch (err) {
      this.warn('chat_failed', `Message not sent: ${describe(err)}`);
      return false;
    }
  }

  /**
   * Changes the language settings (persisted). When what the server knows changes, it is
   * told with `setLanguages`; translated voices are paused, resumed or consumed to match.
   */
  async setLanguages(patch: Partial<LanguageSettings>): Promise<void> {
    if (this.ended) return;
    const changed = this.translation.update(patch);
    const link = this.link;
    if (!link || !this.isCurrent(link) || !link.joined) return; // A (re)join sends them.
    this.applyVoicePlan(link);
    if (!changed) return;
    try {
      await link.signaling.request('setLanguages', this.translation.choice);
    } catch (err) {
      if (this.isCurrent(link)) this.warn('languages_failed', `Could not change languages: ${describe(err)}`);
    }
  }

  /** Brings the translated-voice consumers in line with the settings. */
  private applyVoicePlan(link: CallLink): void {
    const voices = [...link.consumers.entries()]
      .filter(([, e]) => e.source === 'translation')
      .map(([id, e]) => ({ consumerId: id, producerId: e.consumer.producerId, paused: e.consumer.paused }));
    const inFlight = new Set([...link.consumedProducers].filter((pid) => !voices.some((v) => v.producerId === pid)));
    const producers = selectTranslationProducers(this.state);
    const plan = planVoiceConsumers(producers, voices, this.translation.choice, this.state.selfPeerId, inFlight);
    for (const id of plan.pause) void this.setVoicePaused(link, id, true);
    for (const id of plan.resume) void this.setVoicePaused(link, id, false);
    for (const pid of plan.consume) {
      const pr = producers.find((p) => p.id === pid);
      if (pr) void this.consumeProducer(link, pr);
    }
  }

  private async setVoicePaused(link: CallLink, consumerId: string, paused: boolean): Promise<void> {
    const entry = link.consumers.get(consumerId);
    if (!entry || entry.consumer.closed) return;
    if (paused) entry.consumer.pause();
    else entry.consumer.resume();
    this.dispatch({ type: 'consumerPausedChanged', consumerId, paused });
    try {
      await link.signaling.request(paused ? 'pauseConsumer' : 'resumeConsumer', { consumerId });
    } catch (err) {
      // Gone meanwhile (producer closed, link lost): nothing to undo.
      if (this.isCurrent(link) && link.consumers.has(consumerId)) {
        console.warn(`[CallSession] ${paused ? 'pause' : 'resume'} of translated voice failed`, err);
      }
    }
  }

  dismissError(id: number): void {
    this.dispatch({ type: 'dismissError', id });
  }

  /** Leaves politely (the `leave` request), then frees everything. Safe to call twice. */
  async leave(): Promise<void> {
    if (this.ended) return;
    const link = this.link;
    this.ended = true;
    this.wakeBackoff?.();
    if (link && link.joined && !link.closed && link.signaling.state === 'open') {
      try {
        await link.signaling.request('leave', {}, { timeoutMs: 3000 });
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
    this.voice.close();
    this.translation.close();
    this.wakeBackoff?.();
    this.link?.close();
    this.releaseFrozenLink();
    this.localStream?.getTracks().forEach((t) => t.stop());
    this.localStream = undefined;
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

  /** Mic, camera and screen consumers (translated voices: see translationAudio()). */
  async consumerStats(): Promise<ConsumerStats[]> {
    const out: ConsumerStats[] = [];
    for (const [id, e] of this.link?.consumers ?? []) {
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

  /** The translated voices we receive (paused ones too), with their tracks' state. */
  async translationAudio(): Promise<TranslationAudioInfo[]> {
    const out: TranslationAudioInfo[] = [];
    for (const [id, e] of this.link?.consumers ?? []) {
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
        report.forEach((s: Record<string, unknown>) => {
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
  async micSourceStats(): Promise<MicSourceStats | undefined> {
    const producer = this.link?.micProducer;
    if (!producer || producer.closed) return undefined;
    const out: MicSourceStats = { audioLevel: undefined, totalAudioEnergy: 0, totalSamplesDuration: 0 };
    try {
      const report = await producer.getStats();
      report.forEach((s: Record<string, unknown>) => {
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

  // ---- Helpers --------------------------------------------------------------------------

  private dispatch(action: CallAction): void {
    this.store.dispatch(action);
  }

  private warn(code: string, message: string): void {
    this.dispatch({ type: 'error', code, message, fatal: false });
  }

  /** Events and results of a replaced or closed link are ignored. */
  private isCurrent(link: CallLink): boolean {
    return !this.ended && this.link === link && !link.closed;
  }

  private assertLive(link: CallLink): void {
    if (this.ended) throw new SignalingError('closed', 'The call was left');
    if (link.closed) throw new SignalingError('closed', 'The connection was replaced');
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

/** A track that still delivers media; an ended one cannot be sent again. */
function live(track: MediaStreamTrack | undefined): MediaStreamTrack | undefined {
  return track && track.readyState !== 'ended' ? track : undefined;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function describe(err: unknown): string {
  if (err instanceof SignalingError) return err.describe();
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
