// `window.__jb`: stable hooks for the browser end-to-end tests (tests/e2e).
import type { CallSession, CallTimeline, ConsumerStats } from './CallSession';
import type { CallState, ReconnectInfo } from './callState';

/** The connection as the fault tests see it. */
export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'left';

export interface JbTestHooks {
  peerId(): string | undefined;
  stats(): Promise<ConsumerStats[]>;
  connectionState(): ConnectionState;
  /** Details while reconnecting (attempt, reason), and how many rejoins succeeded. */
  reconnect(): { info: ReconnectInfo | undefined; rejoins: number };
  readonly timeline: CallTimeline;
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
    reconnect: () => ({ info: active?.state.reconnect, rejoins: active?.state.rejoins ?? 0 }),
    get timeline(): CallTimeline {
      return active ? { ...active.timeline } : { ...noTimeline };
    },
  };
}

declare global {
  interface Window {
    __jb?: JbTestHooks;
  }
}
