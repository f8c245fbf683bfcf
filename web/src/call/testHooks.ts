// `window.__jb`: stable hooks for the browser end-to-end test (tests/e2e).
import type { CallSession, CallTimeline, ConsumerStats } from './CallSession';

export interface JbTestHooks {
  peerId(): string | undefined;
  stats(): Promise<ConsumerStats[]>;
  readonly timeline: CallTimeline;
}

let active: CallSession | undefined;

export function setActiveSession(session: CallSession | undefined): void {
  active = session;
}

export function installTestHooks(target: { __jb?: JbTestHooks }): void {
  target.__jb = {
    peerId: () => active?.peerId,
    stats: () => (active ? active.consumerStats() : Promise.resolve([])),
    get timeline(): CallTimeline {
      return active ? { ...active.timeline } : { joinedAt: undefined, firstRemoteFrameAt: undefined };
    },
  };
}

declare global {
  interface Window {
    __jb?: JbTestHooks;
  }
}
