// Call state and the pure reducer that changes it. No WebRTC objects are touched here:
// tracks are carried as opaque references so React can attach them to media elements.
import type { CaptionTranslation, LanguageChoice, MediaKind, PeerInfo, ProducerInfo, ProducerSource } from '../signaling/protocol';

/** `reconnecting`: we were in the call, lost the server, and are trying to get back. */
export type CallPhase = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'left' | 'failed';
export type TransportDirection = 'send' | 'recv';
export type TransportState = 'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

export interface RemoteProducer {
  id: string;
  peerId: string;
  kind: MediaKind;
  source: ProducerSource;
  paused: boolean;
  /** Translation producers: the language the voice speaks. */
  language?: string;
  /** Translation producers: whose speech it translates. */
  speakerPeerId?: string;
}

export interface RemoteConsumer {
  id: string;
  producerId: string;
  peerId: string;
  kind: MediaKind;
  source: ProducerSource;
  track: MediaStreamTrack;
  /** Paused by us (a translated voice we do not want now). */
  paused?: boolean;
  /** Translation consumers: the language spoken and whose speech it is. */
  language?: string;
  speakerPeerId?: string;
}

export interface RemotePeer {
  id: string;
  displayName: string;
  producers: Readonly<Record<string, RemoteProducer>>;
  consumers: Readonly<Record<string, RemoteConsumer>>;
  /** What the peer speaks and reads; unknown from a server without translation. */
  languages?: LanguageChoice;
  /** Its socket dropped and the server holds it for a resume: shown as "Reconnecting…", not gone. */
  reconnecting?: boolean;
}

export interface LocalMedia {
  micOn: boolean;
  camOn: boolean;
  /** False when there is no microphone producer (no device, permission denied). */
  micAvailable: boolean;
  camAvailable: boolean;
  videoTrack: MediaStreamTrack | undefined;
  /** The screen we share, while we share it (its local preview). */
  screenTrack: MediaStreamTrack | undefined;
}

export interface ChatMessage {
  id: string;
  peerId: string;
  displayName: string;
  text: string;
  /** ms since the Unix epoch. */
  timestamp: number;
  fromSelf: boolean;
  /** The sender's spoken language. */
  language?: string;
  /** The text in our caption language, when the server translated it. */
  translation?: CaptionTranslation;
}

export interface CallError {
  id: number;
  code: string;
  message: string;
  /** A fatal error ends the call (phase "failed"). */
  fatal: boolean;
  /** How many times this same error happened (shown once, with a count). */
  count: number;
}

export interface ReconnectInfo {
  /** Why the connection was lost, for the banner. */
  reason: string;
  /** deps.now() when it was lost. */
  since: number;
  /** Attempts started so far (0 while waiting for the first). */
  attempt: number;
  /** deps.now() when the next attempt starts, if one is scheduled. */
  nextAttemptAt: number | undefined;
  /** Why the last attempt failed. */
  lastError: string | undefined;
}

export interface CallState {
  phase: CallPhase;
  /** Set while phase is "reconnecting", and kept when reconnecting gave up. */
  reconnect: ReconnectInfo | undefined;
  /** How many times the call was joined again after losing the server. */
  rejoins: number;
  /** How many times a dropped socket resumed the same peer (no rejoin needed). */
  resumes: number;
  roomId: string | undefined;
  displayName: string;
  selfPeerId: string | undefined;
  peers: Readonly<Record<string, RemotePeer>>;
  /** Peer ids in the order they appeared, for a stable grid. */
  peerOrder: readonly string[];
  local: LocalMedia;
  chat: readonly ChatMessage[];
  errors: readonly CallError[];
  transports: Readonly<Record<TransportDirection, TransportState>>;
}

export type CallAction =
  | { type: 'connecting'; roomId: string; displayName: string }
  /** `rejoin`: a reconnect joined again; every peer from before is replaced. */
  | { type: 'joined'; selfPeerId: string; peers: PeerInfo[]; rejoin?: boolean }
  /** `resuming`: only the socket is gone; transports and media stay as they are. */
  | { type: 'reconnecting'; reason: string; since: number; resuming?: boolean }
  /** The same peer was resumed on a new socket (docs/protocol.md "Reconnect"). */
  | { type: 'resumed' }
  | { type: 'peerConnectionState'; peerId: string; reconnecting: boolean }
  | { type: 'reconnectAttempt'; attempt: number; nextAttemptAt: number | undefined; lastError?: string }
  | { type: 'peerJoined'; id: string; displayName: string; languages?: LanguageChoice }
  | { type: 'peerLanguages'; peerId: string; languages: LanguageChoice }
  | { type: 'consumerPausedChanged'; consumerId: string; paused: boolean }
  | { type: 'peerLeft'; peerId: string }
  | { type: 'producerAdded'; producer: ProducerInfo }
  | { type: 'producerClosed'; producerId: string; peerId: string }
  | { type: 'producerPausedChanged'; producerId: string; peerId: string; paused: boolean }
  | { type: 'consumerAdded'; consumer: RemoteConsumer }
  | { type: 'consumerClosed'; consumerId: string }
  | { type: 'localMedia'; patch: Partial<LocalMedia> }
  | { type: 'chatMessage'; message: ChatMessage }
  | { type: 'error'; code: string; message: string; fatal: boolean }
  | { type: 'dismissError'; id: number }
  /** Errors of this code no longer hold (e.g. media connected after all). */
  | { type: 'clearErrors'; code: string }
  | { type: 'transportState'; direction: TransportDirection; state: TransportState }
  | { type: 'left' };

export const MAX_CHAT_HISTORY = 500;
const MAX_ERRORS = 3;

export function initialCallState(): CallState {
  return {
    phase: 'idle',
    reconnect: undefined,
    rejoins: 0,
    resumes: 0,
    roomId: undefined,
    displayName: '',
    selfPeerId: undefined,
    peers: {},
    peerOrder: [],
    local: { micOn: false, camOn: false, micAvailable: false, camAvailable: false, videoTrack: undefined, screenTrack: undefined },
    chat: [],
    errors: [],
    transports: { send: 'new', recv: 'new' },
  };
}

let nextErrorId = 1;

export function callReducer(state: CallState, action: CallAction): CallState {
  switch (action.type) {
    case 'connecting':
      return {
        ...initialCallState(),
        phase: 'connecting',
        roomId: action.roomId,
        displayName: action.displayName,
        // Why the previous attempt failed stays visible until this one succeeds.
        errors: state.errors.filter((e) => e.fatal),
      };

    case 'joined': {
      if (action.rejoin) return rejoined(state, action.selfPeerId, action.peers);
      // Notifications that raced ahead of the join response are kept, not dropped.
      const peers: Record<string, RemotePeer> = { ...state.peers };
      const order: string[] = [];
      for (const p of action.peers) {
        if (p.id === action.selfPeerId) continue;
        const known = peers[p.id];
        const producers: Record<string, RemoteProducer> = { ...known?.producers };
        for (const pr of p.producers) producers[pr.id] = toRemoteProducer(pr);
        peers[p.id] = {
          id: p.id,
          displayName: p.displayName,
          producers,
          consumers: known?.consumers ?? {},
          ...(p.languages ?? known?.languages ? { languages: p.languages ?? known?.languages } : {}),
          ...(p.reconnecting ? { reconnecting: true } : {}),
        };
        order.push(p.id);
      }
      for (const id of state.peerOrder) if (!order.includes(id)) order.push(id);
      // Warnings raised while joining (e.g. no camera) stay; old fatal ones are resolved.
      const errors = state.errors.filter((e) => !e.fatal);
      return { ...state, phase: 'joined', selfPeerId: action.selfPeerId, peers, peerOrder: order, errors };
    }

    case 'reconnecting':
      if (state.phase !== 'joined' && state.phase !== 'reconnecting') return state;
      return {
        ...state,
        phase: 'reconnecting',
        reconnect: { reason: action.reason, since: action.since, attempt: 0, nextAttemptAt: undefined, lastError: undefined },
        transports: action.resuming ? state.transports : { send: 'new', recv: 'new' },
      };

    case 'resumed':
      if (state.phase !== 'reconnecting') return state;
      return { ...state, phase: 'joined', reconnect: undefined, resumes: state.resumes + 1, errors: state.errors.filter((e) => !e.fatal) };

    case 'peerConnectionState': {
      const peer = state.peers[action.peerId];
      if (!peer || (peer.reconnecting ?? false) === action.reconnecting) return state;
      const { reconnecting: _was, ...rest } = peer;
      return { ...state, peers: { ...state.peers, [peer.id]: action.reconnecting ? { ...rest, reconnecting: true } : rest } };
    }

    case 'reconnectAttempt':
      if (state.phase !== 'reconnecting' || !state.reconnect) return state;
      return {
        ...state,
        reconnect: {
          ...state.reconnect,
          attempt: action.attempt,
          nextAttemptAt: action.nextAttemptAt,
          lastError: action.lastError ?? state.reconnect.lastError,
        },
      };

    case 'peerJoined': {
      if (action.id === state.selfPeerId) return state;
      const existing = state.peers[action.id];
      const languages = action.languages ? { languages: action.languages } : {};
      if (existing) {
        return existing.displayName === action.displayName && !action.languages
          ? state
          : { ...state, peers: { ...state.peers, [action.id]: { ...existing, displayName: action.displayName, ...languages } } };
      }
      return {
        ...state,
        peers: { ...state.peers, [action.id]: { ...emptyPeer(action.id, action.displayName), ...languages } },
        peerOrder: [...state.peerOrder, action.id],
      };
    }

    case 'peerLanguages': {
      const peer = state.peers[action.peerId];
      if (!peer) return state;
      return { ...state, peers: { ...state.peers, [peer.id]: { ...peer, languages: action.languages } } };
    }

    case 'consumerPausedChanged': {
      for (const peer of Object.values(state.peers)) {
        const c = peer.consumers[action.consumerId];
        if (!c) continue;
        if ((c.paused ?? false) === action.paused) return state;
        return {
          ...state,
          peers: {
            ...state.peers,
            [peer.id]: { ...peer, consumers: { ...peer.consumers, [c.id]: { ...c, paused: action.paused } } },
          },
        };
      }
      return state;
    }

    case 'peerLeft': {
      if (!state.peers[action.peerId]) return state;
      const { [action.peerId]: _gone, ...rest } = state.peers;
      return { ...state, peers: rest, peerOrder: state.peerOrder.filter((id) => id !== action.peerId) };
    }

    case 'producerAdded': {
      const pr = action.producer;
      if (pr.peerId === state.selfPeerId) return state;
      const peer = state.peers[pr.peerId] ?? emptyPeer(pr.peerId, '');
      const order = state.peers[pr.peerId] ? state.peerOrder : [...state.peerOrder, pr.peerId];
      return {
        ...state,
        peers: {
          ...state.peers,
          [pr.peerId]: { ...peer, producers: { ...peer.producers, [pr.id]: toRemoteProducer(pr) } },
        },
        peerOrder: order,
      };
    }

    case 'producerClosed': {
      const peer = findPeerOfProducer(state, action.producerId, action.peerId);
      if (!peer) return state;
      const { [action.producerId]: _gone, ...producers } = peer.producers;
      const consumers = Object.fromEntries(
        Object.entries(peer.consumers).filter(([, c]) => c.producerId !== action.producerId),
      );
      return { ...state, peers: { ...state.peers, [peer.id]: { ...peer, producers, consumers } } };
    }

    case 'producerPausedChanged': {
      const peer = findPeerOfProducer(state, action.producerId, action.peerId);
      const producer = peer?.producers[action.producerId];
      if (!peer || !producer || producer.paused === action.paused) return state;
      return {
        ...state,
        peers: {
          ...state.peers,
          [peer.id]: {
            ...peer,
            producers: { ...peer.producers, [producer.id]: { ...producer, paused: action.paused } },
          },
        },
      };
    }

    case 'consumerAdded': {
      const c = action.consumer;
      const peer = state.peers[c.peerId];
      // The peer (or its producer) may be gone by the time the consumer is ready.
      if (!peer || !peer.producers[c.producerId]) return state;
      return {
        ...state,
        peers: { ...state.peers, [peer.id]: { ...peer, consumers: { ...peer.consumers, [c.id]: c } } },
      };
    }

    case 'consumerClosed': {
      for (const peer of Object.values(state.peers)) {
        if (peer.consumers[action.consumerId]) {
          const { [action.consumerId]: _gone, ...consumers } = peer.consumers;
          return { ...state, peers: { ...state.peers, [peer.id]: { ...peer, consumers } } };
        }
      }
      return state;
    }

    case 'localMedia':
      return { ...state, local: { ...state.local, ...action.patch } };

    case 'chatMessage': {
      if (state.chat.some((m) => m.id === action.message.id && m.peerId === action.message.peerId)) return state;
      const chat = [...state.chat, action.message];
      return { ...state, chat: chat.length > MAX_CHAT_HISTORY ? chat.slice(-MAX_CHAT_HISTORY) : chat };
    }

    case 'error': {
      const same = state.errors.find((e) => e.code === action.code && e.message === action.message && e.fatal === action.fatal);
      const err: CallError = same
        ? { ...same, count: same.count + 1 }
        : { id: nextErrorId++, code: action.code, message: action.message, fatal: action.fatal, count: 1 };
      const errors = [...state.errors.filter((e) => e !== same), err].slice(-MAX_ERRORS);
      // A fatal error after leaving (e.g. the socket closing) does not resurrect the call.
      if (action.fatal && state.phase !== 'left') return { ...state, phase: 'failed', errors };
      return { ...state, errors };
    }

    case 'dismissError':
      return { ...state, errors: state.errors.filter((e) => e.id !== action.id) };

    case 'clearErrors':
      if (!state.errors.some((e) => e.code === action.code)) return state;
      return { ...state, errors: state.errors.filter((e) => e.code !== action.code) };

    case 'transportState':
      if (state.transports[action.direction] === action.state) return state;
      return { ...state, transports: { ...state.transports, [action.direction]: action.state } };

    case 'left':
      return {
        ...state,
        phase: 'left',
        peers: {},
        peerOrder: [],
        local: { ...state.local, micOn: false, camOn: false, videoTrack: undefined, screenTrack: undefined },
      };
  }
}

/**
 * After a reconnect the server knows us as a new peer, and the peers from before (their
 * tiles kept their last frame while we were away) are replaced by what it lists now.
 */
function rejoined(state: CallState, selfPeerId: string, list: PeerInfo[]): CallState {
  const peers: Record<string, RemotePeer> = {};
  const order: string[] = [];
  for (const p of list) {
    if (p.id === selfPeerId) continue;
    const producers: Record<string, RemoteProducer> = {};
    for (const pr of p.producers) producers[pr.id] = toRemoteProducer(pr);
    peers[p.id] = {
      id: p.id,
      displayName: p.displayName,
      producers,
      consumers: {},
      ...(p.languages ? { languages: p.languages } : {}),
      ...(p.reconnecting ? { reconnecting: true } : {}),
    };
    order.push(p.id);
  }
  return {
    ...state,
    phase: 'joined',
    selfPeerId,
    peers,
    peerOrder: order,
    reconnect: undefined,
    rejoins: state.rejoins + 1,
    errors: state.errors.filter((e) => !e.fatal),
  };
}

function toRemoteProducer(p: ProducerInfo): RemoteProducer {
  const r: RemoteProducer = { id: p.id, peerId: p.peerId, kind: p.kind, source: p.source, paused: p.paused };
  if (p.language !== undefined) r.language = p.language;
  if (p.speakerPeerId !== undefined) r.speakerPeerId = p.speakerPeerId;
  return r;
}

function emptyPeer(id: string, displayName: string): RemotePeer {
  return { id, displayName, producers: {}, consumers: {} };
}

function findPeerOfProducer(state: CallState, producerId: string, peerId: string): RemotePeer | undefined {
  const direct = state.peers[peerId];
  if (direct?.producers[producerId]) return direct;
  return Object.values(state.peers).find((p) => p.producers[producerId] !== undefined);
}

// ---- Selectors -------------------------------------------------------------------------

export interface PeerMediaView {
  micMuted: boolean;
  camOff: boolean;
  videoTrack: MediaStreamTrack | undefined;
  audioTracks: MediaStreamTrack[];
}

/** What a tile shows for a remote peer. */
export function selectPeerMedia(peer: RemotePeer): PeerMediaView {
  // Translated voices are played (and ducked against) separately: see selectTranslationVoices.
  const producers = Object.values(peer.producers).filter((p) => p.source !== 'translation');
  const consumers = Object.values(peer.consumers).filter((c) => c.source !== 'translation');
  const mic = producers.find((p) => p.kind === 'audio' && p.source === 'mic') ?? producers.find((p) => p.kind === 'audio');
  // A shared screen is never the camera: it has a tile of its own (selectScreens).
  const cam =
    producers.find((p) => p.kind === 'video' && p.source === 'webcam') ??
    producers.find((p) => p.kind === 'video' && p.source !== 'screen');
  const camConsumer = cam ? consumers.find((c) => c.producerId === cam.id) : undefined;
  const camOff = !cam || cam.paused || !camConsumer;
  return {
    micMuted: !mic || mic.paused,
    camOff,
    // Kept while paused so the element need not be re-attached on resume; camOff hides it.
    videoTrack: camConsumer?.track,
    // Paused audio stays attached: it is silent, and re-attaching on resume would glitch.
    audioTracks: consumers.filter((c) => c.kind === 'audio').map((c) => c.track),
  };
}

/** A shared screen, remote or our own (the local preview). */
export interface ScreenView {
  /** Stable React key: the producer id, or "self" for our own. */
  key: string;
  peerId: string;
  displayName: string;
  isSelf: boolean;
  /** Undefined until its consumer is ready. */
  track: MediaStreamTrack | undefined;
  paused: boolean;
}

/** Every screen shared in the call: remote ones in peer order, then our own. */
export function selectScreens(state: CallState): ScreenView[] {
  const out: ScreenView[] = [];
  for (const peer of selectPeers(state)) {
    for (const p of Object.values(peer.producers)) {
      if (p.kind !== 'video' || p.source !== 'screen') continue;
      const consumer = Object.values(peer.consumers).find((c) => c.producerId === p.id);
      out.push({ key: p.id, peerId: peer.id, displayName: peer.displayName, isSelf: false, track: consumer?.track, paused: p.paused });
    }
  }
  if (state.local.screenTrack) {
    out.push({
      key: 'self',
      peerId: state.selfPeerId ?? 'self',
      displayName: state.displayName,
      isSelf: true,
      track: state.local.screenTrack,
      paused: false,
    });
  }
  return out;
}

/** Translated voices we receive and have not paused, each with the speaker it translates. */
export function selectTranslationVoices(state: CallState): Array<RemoteConsumer & { speakerPeerId: string }> {
  const out: Array<RemoteConsumer & { speakerPeerId: string }> = [];
  for (const id of state.peerOrder) {
    const peer = state.peers[id];
    if (!peer) continue;
    for (const c of Object.values(peer.consumers)) {
      if (c.source === 'translation' && c.kind === 'audio' && !c.paused) out.push({ ...c, speakerPeerId: c.speakerPeerId ?? c.peerId });
    }
  }
  return out;
}

/** Every translation producer known in the room. */
export function selectTranslationProducers(state: CallState): RemoteProducer[] {
  return Object.values(state.peers).flatMap((p) => Object.values(p.producers).filter((pr) => pr.source === 'translation'));
}

/** Remote peers in join order. */
export function selectPeers(state: CallState): RemotePeer[] {
  return state.peerOrder.map((id) => state.peers[id]).filter((p): p is RemotePeer => p !== undefined);
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '';
  const last = words.length > 1 ? ([...words[words.length - 1]!][0] ?? '') : '';
  return (first + last).toUpperCase();
}
