// The call flow of docs/protocol.md ("Call flow"), driven by plain TypeScript so it can
// be tested without React or a browser. It owns the signaling client, the mediasoup
// Device, both transports, the local producers and every consumer, and reports what
// the UI needs through a Store<CallState>. Transports, local capture, screen capture,
// stats and translated voices live in their own modules; this file sequences them.
import type { Device, types as ms } from 'mediasoup-client';
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
import { acquireLocalMedia, live } from './localMedia';
import {
  DEFAULT_MEDIA_CONNECT_TIMEOUT_MS,
  FirstConnectWatch,
  MEDIA_CONNECT_FAILED,
  mediaConnectFailureMessage,
} from './mediaConnect';
import {
  readConsumerStats,
  readIceRoute,
  readLocalCandidateCount,
  readMicSourceStats,
  readTranslationAudio,
  type ConsumerStats,
  type IceRoute,
  type MicSourceStats,
  type TranslationAudioInfo,
} from './mediaStats';
import { DEFAULT_RECONNECT_POLICY, isRetryableError, isTerminalClose, reconnectDelay, type ReconnectPolicy } from './reconnectPolicy';
import { RemoteMedia } from './RemoteMedia';
import type { GetDisplayMedia } from './ScreenCapture';
import { ScreenShare } from './ScreenShare';
import { Store } from './Store';
import { createTransport, type IceOptions } from './transports';
import { TranslationController, type TranslationDeps } from '../translation/TranslationController';
import { TranslationVoices } from '../translation/TranslationVoices';
import { VoiceMonitor, type CreateLevelMeter } from '../translation/VoiceMonitor';
import { sameChoice, type LanguageSettings } from '../translation/languages';
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
  readonly timeline: CallTimeline = {
    joinedAt: undefined,
    firstRemoteFrameAt: undefined,
    lostAt: undefined,
    rejoinedAt: undefined,
  };

  private readonly deps: CallSessionDeps;
  private readonly policy: ReconnectPolicy;
  private readonly voices: TranslationVoices;
  private readonly screen: ScreenShare;
  private readonly remote: RemoteMedia;
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
  private joinStarted = false;
  /** Token and passcode, sent with every join (rejoins too). */
  private credentials: JoinCredentials = {};
  private joinPermissions: JoinPermissions = { publish: true, subscribe: true, chat: true };
  /** Links in a row whose media never connected; a second one stops rejoining for it. */
  private unreachableLinks = 0;

  constructor(deps: CallSessionDeps, store?: CallStore) {
    this.deps = deps;
    this.policy = deps.reconnectPolicy ?? DEFAULT_RECONNECT_POLICY;
    this.store = store ?? new Store(callReducer, initialCallState());
    this.translation = new TranslationController(deps.translation);
    this.voice = new VoiceMonitor(deps.createLevelMeter, deps.now);
    this.screen = new ScreenShare(deps.getDisplayMedia, {
      link: () => this.link,
      isCurrent: (link) => this.isCurrent(link),
      canShare: () => !this.ended && this.state.phase === 'joined' && this.joinPermissions.publish,
      ended: () => this.ended,
      dispatch: (a) => this.dispatch(a),
      warn: (code, message) => this.warn(code, message),
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
    this.store.subscribe(() => {
      if (!this.ended) this.voices.syncMeters();
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
      ? acquireLocalMedia(this.deps.getUserMedia, (code, message) => this.warn(code, message))
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

    const ice: IceOptions = {
      iceServers: this.deps.resolveIceServers?.(joined.iceServers ?? []) ?? joined.iceServers ?? [],
      ...(this.deps.iceTransportPolicy ? { iceTransportPolicy: this.deps.iceTransportPolicy } : {}),
    };
    const connectTimeout = this.deps.mediaConnectTimeoutMs ?? DEFAULT_MEDIA_CONNECT_TIMEOUT_MS;
    link.firstConnect = new FirstConnectWatch(connectTimeout, (direction) => this.onMediaUnreachable(link, direction, ice, false));
    const recvSetup = this.createLinkTransport(link, 'recv', ice);
    recvSetup.then(
      () => link.markRecvReady(true),
      () => link.markRecvReady(false),
    );
    // Consuming does not wait for our own producers: we see others as early as possible.
    const consumeExisting = recvSetup.then(() =>
      Promise.all(joined.peers.flatMap((p) => p.producers).map((pr) => this.remote.consume(link, pr))),
    );
    const sendSetup = this.createLinkTransport(link, 'send', ice);
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

  private createLinkTransport(link: CallLink, direction: TransportDirection, ice: IceOptions): Promise<ms.Transport> {
    return createTransport(link, direction, ice, {
      assertLive: () => this.assertLive(link),
      connecting: () => link.firstConnect?.started(direction),
      stateChanged: (state) => this.onTransportState(link, direction, state, ice),
      gatheringComplete: () => void this.checkGathered(link, direction, ice),
    });
  }

  /**
   * Gathering ended without a single local candidate: this transport can never connect, and
   * the browser never says `failed` for it (ICE stays `new`). Seen with relay-only ICE when
   * the TURN server refuses the credential.
   */
  private async checkGathered(link: CallLink, direction: TransportDirection, ice: IceOptions): Promise<void> {
    const transport = direction === 'send' ? link.sendTransport : link.recvTransport;
    if (!transport || !this.isCurrent(link) || link.firstConnect?.everConnected(direction)) return;
    const candidates = await readLocalCandidateCount(transport);
    if (candidates === 0 && !link.firstConnect?.everConnected(direction)) this.onMediaUnreachable(link, direction, ice, true);
  }

  private onTransportState(link: CallLink, direction: TransportDirection, state: TransportState, ice: IceOptions): void {
    if (!this.isCurrent(link)) return;
    this.dispatch({ type: 'transportState', direction, state });
    const verdict = link.firstConnect?.observe(direction, state) ?? 'other';
    if (verdict === 'connected') {
      this.unreachableLinks = 0;
      // Media got through after all (a slow first connect): the warning no longer holds.
      this.dispatch({ type: 'clearErrors', code: MEDIA_CONNECT_FAILED });
    } else if (verdict === 'failedBeforeConnecting') {
      this.onMediaUnreachable(link, direction, ice, true);
    } else if (state === 'failed') {
      // ICE consent lost (server gone, network changed): the same way back as a lost socket.
      this.onLinkLost(link, `Media connection failed (${direction} transport)`, false);
    }
  }

  /**
   * A transport of this link never connected: it failed (`failed`) or ran out of time. The
   * user is told why media is missing. A failure rejoins once, which brings fresh TURN
   * credentials; when the next link cannot connect either, rejoining again would only
   * repeat it, so the call stays as it is (signaling, chat and captions still work).
   */
  private onMediaUnreachable(link: CallLink, direction: TransportDirection, ice: IceOptions, failed: boolean): void {
    if (!this.isCurrent(link)) return;
    if (!link.mediaUnreachable) {
      link.mediaUnreachable = true;
      this.unreachableLinks++;
      this.warn(MEDIA_CONNECT_FAILED, mediaConnectFailureMessage(ice));
    }
    if (failed && this.unreachableLinks < 2) this.onLinkLost(link, `Media connection failed (${direction} transport)`, false);
  }

  /**
   * Sends the microphone and camera, and the screen if one is shared. On a rejoin the same
   * tracks are sent again, and a device the user had turned off is paused straight away so
   * it stays off for everyone.
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
    // From here on a screen shared later is sent by ScreenShare.start itself.
    link.localProduced = true;
    tasks.push(this.screen.sendOn(link));
    await Promise.all(tasks);
  }

  private async pauseNewProducer(link: CallLink, producer: ms.Producer): Promise<void> {
    producer.pause();
    await link.signaling.request('pauseProducer', { producerId: producer.id });
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
    this.screen.release();
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
