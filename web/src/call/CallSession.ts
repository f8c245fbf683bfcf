// The call flow of docs/protocol.md ("Call flow"), driven by plain TypeScript so it can
// be tested without React or a browser. It owns the signaling client, the mediasoup
// Device, both transports, the local producers and every consumer, and reports what
// the UI needs through a Store<CallState>. Transports and whether they connect, local
// capture and producers, screen capture, reconnecting, stats and translated voices live
// in their own modules; this file sequences them.
import type { Device } from 'mediasoup-client';
import type { SignalingClient } from '../signaling/SignalingClient';
import { SignalingError } from '../signaling/SignalingError';
import {
  MAX_CHAT_LENGTH,
  utf8Length,
  type Notification,
  type TranslationCapabilities as TranslationCapabilitiesT,
} from '../signaling/protocol';
import { readTokenHints, type JoinCredentials } from '../access/roomAccess';
import type { JoinPermissions } from '../signaling/protocol';
import { CallLink } from './CallLink';
import { describeError as describe } from './describeError';
import { acquireLocalMedia } from './localMedia';
import { LocalProducers } from './LocalProducers';
import { DEFAULT_MEDIA_CONNECT_TIMEOUT_MS } from './mediaConnect';
import {
  readConsumerStats,
  readIceRoute,
  readMicSourceStats,
  readTranslationAudio,
  type ConsumerStats,
  type IceRoute,
  type MicSourceStats,
  type TranslationAudioInfo,
} from './mediaStats';
import { DEFAULT_RECONNECT_POLICY, isTerminalClose, type ReconnectPolicy } from './reconnectPolicy';
import { Reconnection } from './Reconnection';
import { RemoteMedia } from './RemoteMedia';
import { IceRestartController } from './iceRestart';
import { VideoLayerControl } from './VideoLayerControl';
import { LocalDevices, type MediaDevicesLike } from './LocalDevices';
import { withPreferredDevices, type KeyValueStore } from './devices';
import { ConnectionStatsSampler } from './connectionStats';
import type { GetDisplayMedia } from './ScreenCapture';
import { ScreenShare } from './ScreenShare';
import { Store } from './Store';
import type { IceOptions } from './transports';
import { TransportConnectivity } from './TransportConnectivity';
import { TranslationController, type TranslationDeps } from '../translation/TranslationController';
import { ActiveSpeakerTracker } from './activeSpeaker';
import { TranslationVoices } from '../translation/TranslationVoices';
import { VoiceMonitor, type CreateLevelMeter } from '../translation/VoiceMonitor';
import { sameChoice, type LanguageSettings } from '../translation/languages';
import {
  callReducer,
  initialCallState,
  type CallAction,
  type CallState,
} from './callState';

export type CallStore = Store<CallState, CallAction>;

export interface CallSessionDeps {
  createSignaling: () => SignalingClient;
  createDevice: () => Promise<Device>;
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
  /** Screen capture; without it the call offers no screen sharing. */
  getDisplayMedia?: GetDisplayMedia;
  now: () => number;
  /** Backoff schedule; DEFAULT_RECONNECT_POLICY when absent. */
  reconnectPolicy?: ReconnectPolicy;
  /** Jitter source (Math.random when absent). */
  random?: () => number;
  /** Language settings storage and browser defaults. */
  translation?: TranslationDeps;
  /** Measures translated voices for ducking; without it originals are never ducked. */
  createLevelMeter?: CreateLevelMeter;
  /** 'relay': media only through the join response's TURN servers. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** The ICE servers to use for a join response's; the response's own when absent. */
  resolveIceServers?: (fromJoin: RTCIceServer[]) => RTCIceServer[];
  /** How long a transport may take to connect the first time (DEFAULT_MEDIA_CONNECT_TIMEOUT_MS). */
  mediaConnectTimeoutMs?: number;
  /** Device lists and where the chosen devices are remembered; without them no device choice. */
  devices?: { storage?: KeyValueStore; mediaDevices?: MediaDevicesLike };
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

export class CallSession {
  readonly store: CallStore;
  /** Language settings, captions and transcript. */
  readonly translation: TranslationController;
  /** Levels of translated voices and which originals are ducked. */
  readonly voice: VoiceMonitor;
  /** The room's dominant speaker and who speaks now (activeSpeaker.ts). */
  readonly speakers = new ActiveSpeakerTracker();
  /** ICE restarts of the current link's transports before any rejoin (iceRestart.ts). */
  readonly iceRestart: IceRestartController;
  /** Remote cameras: the simulcast layer each tile needs, paused while not seen. */
  readonly videoLayers: VideoLayerControl;
  /** Microphone, camera and speaker choice. */
  readonly devices: LocalDevices;
  /** RTT, bitrates, loss and layers for the settings panel (reads while subscribed). */
  readonly connectionStats: ConnectionStatsSampler;
  readonly timeline: CallTimeline = {
    joinedAt: undefined,
    firstRemoteFrameAt: undefined,
    lostAt: undefined,
    rejoinedAt: undefined,
  };

  private readonly deps: CallSessionDeps;
  private readonly voices: TranslationVoices;
  private readonly screen: ScreenShare;
  private readonly remote: RemoteMedia;
  /** Resuming or rejoining after the server was lost (Reconnection.ts). */
  private readonly reconnection: Reconnection;
  /** Whether each link's transports connect, and what happens when not (TransportConnectivity.ts). */
  private readonly connectivity: TransportConnectivity;
  /** Our microphone and camera producers on the current link (LocalProducers.ts). */
  private readonly producers: LocalProducers;
  /** The current connection; replaced whole by a reconnect. */
  private link: CallLink | undefined;
  private localStream: MediaStream | undefined;
  private localMedia: Promise<MediaStream | undefined> | undefined;
  private roomId = '';
  private displayName = '';
  private ended = false;
  private joinStarted = false;
  /** Token and passcode, sent with every join (rejoins too). */
  private credentials: JoinCredentials = {};
  private joinPermissions: JoinPermissions = { publish: true, subscribe: true, chat: true };

  constructor(deps: CallSessionDeps, store?: CallStore) {
    this.deps = deps;
    this.store = store ?? new Store(callReducer, initialCallState());
    this.translation = new TranslationController(deps.translation);
    this.voice = new VoiceMonitor(deps.createLevelMeter, deps.now);
    this.iceRestart = new IceRestartController({
      isCurrent: (link) => this.isCurrent(link) && link.joined,
      fallback: (link, reason) => this.reconnection.onLinkLost(link, reason, false),
      now: deps.now,
      ...(typeof window !== 'undefined' ? { onlineEvents: window } : {}),
      log: (m) => console.info(m),
    });
    this.reconnection = new Reconnection({
      now: () => deps.now(),
      random: deps.random,
      policy: deps.reconnectPolicy ?? DEFAULT_RECONNECT_POLICY,
      timeline: this.timeline,
      ended: () => this.ended,
      isCurrent: (link) => this.isCurrent(link),
      openLink: () => this.openLink(),
      rejoin: (link) => this.runJoin(link, true),
      openSignaling: (link) => this.wireSignaling(link, deps.createSignaling()),
      notify: (link, n) => this.onNotification(link, n),
      state: () => this.state,
      dispatch: (a) => this.dispatch(a),
      fail: (err, context) => this.fail(err, context),
    });
    this.connectivity = new TransportConnectivity({
      isCurrent: (link) => this.isCurrent(link),
      assertLive: (link) => this.assertLive(link),
      dispatch: (a) => this.dispatch(a),
      warn: (code, message) => this.warn(code, message),
      observeIceRestart: (link, direction, state) => this.iceRestart.observe(link, direction, state),
      linkLost: (link, reason) => this.reconnection.onLinkLost(link, reason, false),
    });
    this.screen = new ScreenShare(deps.getDisplayMedia, {
      link: () => this.link,
      isCurrent: (link) => this.isCurrent(link),
      canShare: () => !this.ended && this.state.phase === 'joined' && this.joinPermissions.publish,
      ended: () => this.ended,
      dispatch: (a) => this.dispatch(a),
      warn: (code, message) => this.warn(code, message),
    });
    this.producers = new LocalProducers({
      link: () => this.link,
      isCurrent: (link) => this.isCurrent(link),
      ended: () => this.ended,
      state: () => this.state,
      dispatch: (a) => this.dispatch(a),
      warn: (code, message) => this.warn(code, message),
      sendScreen: (link) => this.screen.sendOn(link),
    });
    this.remote = new RemoteMedia({
      state: () => this.state,
      dispatch: (a) => this.dispatch(a),
      warn: (code, message) => this.warn(code, message),
      isCurrent: (link) => this.isCurrent(link),
      canSubscribe: () => this.joinPermissions.subscribe,
      languageChoice: () => this.translation.choice,
    });
    this.voices = new TranslationVoices(
      {
        state: () => this.state,
        choice: () => this.translation.choice,
        consume: (link, pr) => void this.remote.consume(link, pr),
        dispatch: (a) => this.dispatch(a),
        isCurrent: (link) => this.isCurrent(link),
      },
      this.voice,
    );
    this.videoLayers = new VideoLayerControl({ link: () => this.link, isCurrent: (l) => this.isCurrent(l), dispatch: (a) => this.dispatch(a) });
    this.devices = new LocalDevices(
      { link: () => this.link, localStream: () => this.localMedia ?? Promise.resolve(undefined), getUserMedia: deps.getUserMedia, dispatch: (a) => this.dispatch(a), warn: (c, m) => this.warn(c, m) },
      deps.devices?.storage,
      deps.devices?.mediaDevices,
    );
    this.connectionStats = new ConnectionStatsSampler(() => this.link, () => this.videoLayers.snapshot());
    this.store.subscribe(() => {
      if (!this.ended) this.voices.syncMeters();
      if (!this.ended) this.videoLayers.reconcile();
    });
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

  /** Whether the share-screen control can work here (a browser that captures, and leave to publish). */
  get canShareScreen(): boolean {
    return this.screen.supported && this.joinPermissions.publish;
  }

  /** The screen we share now (also in state.local.screenTrack). */
  get screenTrack(): MediaStreamTrack | undefined {
    return this.screen.track;
  }

  /** Shares the screen: the browser's picker, then a second video producer for everyone. */
  startScreenShare(): Promise<void> {
    return this.screen.start();
  }

  /** Stops sharing: the capture ends and the server closes the producer for everyone. */
  stopScreenShare(): Promise<void> {
    return this.screen.stop();
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
    const capture = this.joinPermissions.publish
      ? acquireLocalMedia(withPreferredDevices(this.deps.getUserMedia, () => this.devices.choice), (code, message) => this.warn(code, message))
      : Promise.resolve(undefined);
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
    this.wireSignaling(link, signaling);
    return link;
  }

  /** Events of `signaling` count only while it is the link's socket (a resume swaps it). */
  private wireSignaling(link: CallLink, signaling: SignalingClient): SignalingClient {
    const inUse = () => this.isCurrent(link) && link.signaling === signaling;
    signaling.on('notification', (n) => {
      if (inUse()) this.onNotification(link, n);
    });
    signaling.on('close', (ev) => {
      if (ev.byClient || link.signaling !== signaling) return;
      const how = `code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''}`;
      if (isTerminalClose(ev.code)) {
        this.reconnection.onLinkLost(link, `The server closed the connection (${how})`, true);
      } else {
        this.reconnection.onLinkLost(link, `Lost the connection to the server (${how})`, false, true);
      }
    });
    signaling.on('protocolError', (err) => {
      if (inUse()) this.dispatch({ type: 'error', code: err.code, message: `Server: ${err.message}`, fatal: false });
    });
    return signaling;
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
    link.peerId = joined.peerId;
    link.resumeToken = joined.resumeToken;
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
    this.reconnection.releaseFrozenLink();
    void this.loadTranslationInfo(link, joined.translation);

    const ice: IceOptions = {
      iceServers: this.deps.resolveIceServers?.(joined.iceServers ?? []) ?? joined.iceServers ?? [],
      ...(this.deps.iceTransportPolicy ? { iceTransportPolicy: this.deps.iceTransportPolicy } : {}),
    };
    const connectTimeout = this.deps.mediaConnectTimeoutMs ?? DEFAULT_MEDIA_CONNECT_TIMEOUT_MS;
    this.connectivity.watchFirstConnect(link, ice, connectTimeout);
    const recvSetup = this.connectivity.create(link, 'recv', ice);
    recvSetup.then(
      () => link.markRecvReady(true),
      () => link.markRecvReady(false),
    );
    // Consuming does not wait for our own producers: we see others as early as possible.
    const consumeExisting = recvSetup.then(() =>
      Promise.all(joined.peers.flatMap((p) => p.producers).map((pr) => this.remote.consume(link, pr))),
    );
    const sendSetup = this.connectivity.create(link, 'send', ice);
    const produceLocal = Promise.all([sendSetup, this.localMedia]).then(([, stream]) =>
      this.producers.send(link, this.joinPermissions.publish ? stream : undefined, rejoin),
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

  private onNotification(link: CallLink, n: Notification): void {
    if (this.speakers.onNotification(n)) return;
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
      case 'peerConnectionState':
        this.dispatch({ type: 'peerConnectionState', peerId: n.data.peerId, reconnecting: n.data.state === 'reconnecting' });
        break;
      case 'consumerLayersChanged':
        this.videoLayers.onLayersChanged(n.data.consumerId, n.data.spatialLayer);
        break;
      case 'chat':
        this.dispatch({
          type: 'chatMessage',
          message: { ...n.data, fromSelf: false },
        });
        break;
      default:
        // Peers leaving, producers and consumers.
        this.remote.onNotification(link, n);
        break;
    }
  }

  // ---- User actions ---------------------------------------------------------------------

  async setMicEnabled(on: boolean): Promise<void> {
    await this.producers.setEnabled('mic', on);
  }

  async setCamEnabled(on: boolean): Promise<void> {
    await this.producers.setEnabled('cam', on);
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
    this.voices.applyPlan(link);
    if (!changed) return;
    try {
      await link.signaling.request('setLanguages', this.translation.choice);
    } catch (err) {
      if (this.isCurrent(link)) this.warn('languages_failed', `Could not change languages: ${describe(err)}`);
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
    this.reconnection.wake();
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
    this.iceRestart.close();
    this.videoLayers.close();
    this.translation.close();
    this.speakers.close();
    this.reconnection.wake();
    this.screen.release();
    this.link?.close();
    this.reconnection.releaseFrozenLink();
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

  /** Closes the signaling socket as a network drop would (no `leave`); media is untouched. */
  dropSignaling(): boolean {
    return this.link?.signaling.dropSocket() ?? false;
  }

  markRemoteFrame(): void {
    if (this.timeline.firstRemoteFrameAt === undefined) this.timeline.firstRemoteFrameAt = this.deps.now();
  }

  /** Mic, camera and screen consumers (translated voices: see translationAudio()). */
  consumerStats(): Promise<ConsumerStats[]> {
    return readConsumerStats(this.link?.consumers ?? []);
  }

  /** The translated voices we receive (paused ones too), with their tracks' state. */
  translationAudio(): Promise<TranslationAudioInfo[]> {
    return readTranslationAudio(this.link?.consumers ?? []);
  }

  /** The mic producer's media-source stats (what leaves this page), or undefined without one. */
  micSourceStats(): Promise<MicSourceStats | undefined> {
    return readMicSourceStats(this.link?.micProducer);
  }

  /** The candidate pair each transport of the current link uses (relay, host, ...). */
  async iceRoutes(): Promise<IceRoute[]> {
    const link = this.link;
    if (!link) return [];
    const out: Promise<IceRoute>[] = [];
    if (link.sendTransport && !link.sendTransport.closed) out.push(readIceRoute('send', link.sendTransport));
    if (link.recvTransport && !link.recvTransport.closed) out.push(readIceRoute('recv', link.recvTransport));
    return Promise.all(out);
  }

  /** The screen producer of the current link, once the server created it. */
  get screenProducerId(): string | undefined {
    const p = this.link?.screenProducer;
    return p && !p.closed ? p.id : undefined;
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
