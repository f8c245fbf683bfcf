// `window.__jb`: stable hooks for the browser end-to-end tests (tests/e2e).
import type { CallSession, CallTimeline } from './CallSession';
import type { CallError, CallState, ChatMessage, ReconnectInfo, TransportDirection } from './callState';
import { overrideIceServers } from './iceConfig';
import type { IceRestartStats } from './iceRestart';
import { MEDIA_CONNECT_FAILED } from './mediaConnect';
import { mediaQualityHooks, type MediaQualityHooks } from './mediaQualityHooks';
import type { ConsumerStats, IceRoute, MicSourceStats, TranslationAudioInfo } from './mediaStats';
import type { LanguageChoice, TranslationCapabilities } from '../signaling/protocol';
import { captionText } from '../translation/captions';
import type { LanguageSettings } from '../translation/languages';
import type { ReceivedCaption } from '../translation/TranslationController';
import type { TranscriptEntry } from '../translation/transcript';

/** A caption line on screen, with the text the current "Show" setting displays. */
export interface CaptionLineHook {
  utteranceId: string;
  speakerPeerId: string;
  speakerName: string;
  final: boolean;
  language: string;
  text: string;
  translation: { language: string; text: string; via: string[] } | undefined;
  shown: { primary: string; secondary: string | undefined; via: string[]; translated: boolean };
}

export interface LanguagesHook {
  settings: LanguageSettings;
  capabilities: TranslationCapabilities | undefined;
  /** Each remote peer's languages as the server told us (undefined if not told). */
  peers: Record<string, LanguageChoice | undefined>;
}

export interface DuckingHook {
  level: number;
  ducked: boolean;
  originalVolume: number;
  /** False when no WebAudio meter could be made for the voice. */
  metered: boolean;
}

/** Our own screen share. */
export interface ScreenShareHook {
  /** A capture runs and is shown as our preview. */
  sharing: boolean;
  /** The screen producer, once the server created it. */
  producerId: string | undefined;
  /** The captured track's readyState ('live' | 'ended'), undefined when not sharing. */
  trackState: MediaStreamTrackState | undefined;
}

/** The connection as the fault tests see it. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'left';

export interface JbTestHooks extends MediaQualityHooks {
  peerId(): string | undefined;
  stats(): Promise<ConsumerStats[]>;
  connectionState(): ConnectionState;
  /** Details while reconnecting (attempt, reason), and how many rejoins / resumes succeeded. */
  reconnect(): { info: ReconnectInfo | undefined; rejoins: number; resumes: number };
  /** Closes our signaling socket as a network drop would (no `leave`); false if none is open. */
  dropSignaling(): boolean;
  readonly timeline: CallTimeline;
  /** Caption lines held now (on screen unless captions are off: turning CC off only hides them). */
  captions(): CaptionLineHook[];
  /** Every caption notification received, in order, with its arrival time (receivedAt, epoch ms). */
  captionsReceived(): ReceivedCaption[];
  transcript(): TranscriptEntry[];
  languages(): LanguagesHook | undefined;
  /** Changes language settings as the settings panel does. */
  setLanguages(patch: Partial<LanguageSettings>): Promise<void>;
  /** Translated voices received (paused ones too), with their tracks' state and stats. */
  translationAudio(): Promise<Array<TranslationAudioInfo & { ducking: DuckingHook | undefined }>>;
  /** Per speaker whose translated voice plays: its level and whether their original is ducked. */
  ducking(): Record<string, DuckingHook>;
  /** Chat messages with their translations. */
  chat(): ChatMessage[];
  /** What our microphone sends (the mic producer's media-source stats); undefined without one. */
  micStats(): Promise<MicSourceStats | undefined>;
  /** Our screen share; remote screens are in stats() with source "screen". */
  screenShare(): ScreenShareHook;
  /**
   * Ends our screen capture the way the browser's own "Stop sharing" control does (the track
   * ends and fires "ended"), which headless Chromium has no button for.
   */
  endScreenCapture(): boolean;
  /** The candidate pair each media transport uses now (localCandidateType 'relay' through TURN). */
  iceRoutes(): Promise<IceRoute[]>;
  /** The "media could not connect" error shown now, if any. */
  mediaError(): CallError | undefined;
  /**
   * ICE servers to use instead of the join response's, for joins after this call (undefined:
   * the server's again); e.g. an expired TURN credential. Set it before joining.
   */
  overrideIceServers(servers: RTCIceServer[] | undefined): void;
  /** ICE restarts so far (iceRestart.ts): attempts, recoveries, fallbacks to a rejoin. */
  iceRestarts(): IceRestartStats | undefined;
  /**
   * Restarts ICE on every connected transport now, through the path a media failure takes
   * (the server's `restartIce`, then mediasoup-client's `restartIce`). Returns the directions.
   */
  restartIce(): TransportDirection[];
}

let active: CallSession | undefined;

export function setActiveSession(session: CallSession | undefined): void {
  active = session;
}

export function connectionStateOf(state: CallState): ConnectionState {
  return state.phase === 'joined' ? 'connected' : state.phase;
}

const noTimeline: CallTimeline = {
  joinedAt: undefined,
  firstRemoteFrameAt: undefined,
  lostAt: undefined,
  rejoinedAt: undefined,
};

export function installTestHooks(target: { __jb?: JbTestHooks }): void {
  target.__jb = {
    peerId: () => active?.peerId,
    stats: () => (active ? active.consumerStats() : Promise.resolve([])),
    connectionState: () => (active ? connectionStateOf(active.state) : 'idle'),
    reconnect: () => ({ info: active?.state.reconnect, rejoins: active?.state.rejoins ?? 0, resumes: active?.state.resumes ?? 0 }),
    dropSignaling: () => active?.dropSignaling() ?? false,
    get timeline(): CallTimeline {
      return active ? { ...active.timeline } : { ...noTimeline };
    },
    captions: () => {
      if (!active) return [];
      const t = active.translation.state;
      return t.captions.map((l) => {
        const shown = captionText(l, t.settings.show);
        return {
          utteranceId: l.utteranceId,
          speakerPeerId: l.speakerPeerId,
          speakerName: l.speakerName,
          final: l.final,
          language: l.language,
          text: l.text,
          translation: l.translation,
          shown: { primary: shown.primary, secondary: shown.secondary, via: shown.via, translated: shown.translated },
        };
      });
    },
    captionsReceived: () => (active ? [...active.translation.received] : []),
    transcript: () => (active ? [...active.translation.state.transcript] : []),
    languages: () => {
      if (!active) return undefined;
      const t = active.translation.state;
      const peers: Record<string, LanguageChoice | undefined> = {};
      for (const p of Object.values(active.state.peers)) peers[p.id] = p.languages;
      return { settings: { ...t.settings }, capabilities: t.capabilities, peers };
    },
    setLanguages: (patch) => (active ? active.setLanguages(patch) : Promise.resolve()),
    translationAudio: async () => {
      if (!active) return [];
      const ducking = active.voice.snapshot();
      return (await active.translationAudio()).map((a) => ({ ...a, ducking: ducking[a.speakerPeerId] }));
    },
    ducking: () => (active ? active.voice.snapshot() : {}),
    chat: () => (active ? [...active.state.chat] : []),
    micStats: () => (active ? active.micSourceStats() : Promise.resolve(undefined)),
    screenShare: () => {
      const track = active?.screenTrack;
      return { sharing: track !== undefined, producerId: active?.screenProducerId, trackState: track?.readyState };
    },
    endScreenCapture: () => {
      const track = active?.screenTrack;
      if (!track) return false;
      track.stop();
      // stop() alone fires nothing; the browser's own control fires "ended" as well.
      track.dispatchEvent(new Event('ended'));
      return true;
    },
    iceRoutes: () => (active ? active.iceRoutes() : Promise.resolve([])),
    mediaError: () => active?.state.errors.find((e) => e.code === MEDIA_CONNECT_FAILED),
    overrideIceServers: (servers) => overrideIceServers(servers),
    iceRestarts: () => active?.iceRestart.stats(),
    restartIce: () => active?.iceRestart.restartAll('test') ?? [],
    ...mediaQualityHooks(() => active),
  };
}

declare global {
  interface Window {
    __jb?: JbTestHooks;
  }
}
