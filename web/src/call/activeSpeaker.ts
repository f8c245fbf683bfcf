// Who is the room's dominant speaker and who is speaking now, as the server reports it
// (`activeSpeaker`, `audioLevels`; docs/protocol.md). The server already smooths the RFC 6464
// levels every sender puts in its RTP, so the indicators here cost no audio decoding or WebAudio,
// work for our own tile too, and agree on every screen.
import { Store } from './Store';
import type { AudioLevel } from '../signaling/protocol';

/** Levels older than this are treated as silence (an `audioLevels` update was lost). */
export const LEVELS_STALE_MS = 1000;

export interface SpeakerState {
  /** The dominant speaker's peer id. */
  dominant: string | undefined;
  /** Speaking peers -> smoothed level in dBov (-127..0). */
  levels: Readonly<Record<string, number>>;
  /** When `levels` arrived (the injected clock's ms). */
  levelsAt: number;
}

export type SpeakerAction =
  | { type: 'activeSpeaker'; peerId: string | null }
  | { type: 'audioLevels'; levels: readonly AudioLevel[]; at: number }
  | { type: 'peerLeft'; peerId: string }
  /** Drop levels that went stale by `now`. */
  | { type: 'expire'; now: number }
  /** A new call (or a rejoin under a new peer id): nothing from before holds. */
  | { type: 'reset' };

export function initialSpeakerState(): SpeakerState {
  return { dominant: undefined, levels: {}, levelsAt: 0 };
}

export function speakerReducer(state: SpeakerState, action: SpeakerAction): SpeakerState {
  switch (action.type) {
    case 'activeSpeaker': {
      const dominant = typeof action.peerId === 'string' && action.peerId !== '' ? action.peerId : undefined;
      return dominant === state.dominant ? state : { ...state, dominant };
    }
    case 'audioLevels': {
      const levels: Record<string, number> = {};
      for (const l of action.levels) {
        // Bad entries are skipped, not trusted: the wire is validated here, at the edge.
        if (typeof l?.peerId !== 'string' || typeof l.level !== 'number' || !Number.isFinite(l.level)) continue;
        levels[l.peerId] = Math.max(-127, Math.min(0, l.level));
      }
      if (sameLevels(levels, state.levels)) return state.levelsAt === action.at ? state : { ...state, levelsAt: action.at };
      return { ...state, levels, levelsAt: action.at };
    }
    case 'peerLeft': {
      const { [action.peerId]: _gone, ...levels } = state.levels;
      const dominant = state.dominant === action.peerId ? undefined : state.dominant;
      if (dominant === state.dominant && !(action.peerId in state.levels)) return state;
      return { ...state, dominant, levels };
    }
    case 'expire':
      if (Object.keys(state.levels).length === 0 || action.now - state.levelsAt < LEVELS_STALE_MS) return state;
      return { ...state, levels: {} };
    case 'reset':
      return initialSpeakerState();
  }
}

function sameLevels(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** What a tile or a participant row shows for one peer. */
export interface SpeakerView {
  dominant: boolean;
  speaking: boolean;
  /** 0..1 for the indicator bars (0 when silent). */
  intensity: number;
}

export function selectSpeaker(state: SpeakerState, peerId: string | undefined): SpeakerView {
  if (peerId === undefined) return { dominant: false, speaking: false, intensity: 0 };
  const level = state.levels[peerId];
  return { dominant: state.dominant === peerId, speaking: level !== undefined, intensity: level === undefined ? 0 : levelIntensity(level) };
}

/**
 * dBov -> 0..1 for the bars: the server reports only speech (louder than -50 dBov), so -50..-10 is
 * spread over the range and the quietest speech still shows a small bar.
 */
export function levelIntensity(dbov: number): number {
  const x = (dbov + 50) / 40;
  return Math.round(Math.max(0.15, Math.min(1, x)) * 100) / 100;
}

/** Owns the speaker store for a CallSession: feed it the notifications, render from its store. */
export class ActiveSpeakerTracker {
  readonly store = new Store(speakerReducer, initialSpeakerState());
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Handles `activeSpeaker` / `audioLevels`; returns false for any other notification. */
  onNotification(n: { method: string; data: unknown }): boolean {
    if (n.method === 'activeSpeaker') {
      const peerId = (n.data as { peerId?: unknown }).peerId;
      this.store.dispatch({ type: 'activeSpeaker', peerId: typeof peerId === 'string' ? peerId : null });
      return true;
    }
    if (n.method === 'audioLevels') {
      const levels = (n.data as { levels?: unknown }).levels;
      this.store.dispatch({ type: 'audioLevels', levels: Array.isArray(levels) ? (levels as AudioLevel[]) : [], at: this.now() });
      this.watchStaleness();
      return true;
    }
    if (n.method === 'peerLeft') {
      const peerId = (n.data as { peerId?: unknown }).peerId;
      if (typeof peerId === 'string') this.store.dispatch({ type: 'peerLeft', peerId });
    }
    return false;
  }

  reset(): void {
    this.store.dispatch({ type: 'reset' });
  }

  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private watchStaleness(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.store.dispatch({ type: 'expire', now: this.now() });
      if (Object.keys(this.store.getState().levels).length === 0) this.close();
    }, LEVELS_STALE_MS / 2);
  }
}
