// Getting media back without leaving the room: when a transport's ICE path breaks (Wi-Fi
// roamed, a NAT rebinding, the TCP connection reset, the network came back after going
// offline), the same transports get new ICE credentials from the server (`restartIce`) and
// mediasoup-client restarts ICE on them (RFC 8445 §9). DTLS, SRTP, every producer and
// consumer, the peer id and the room stay as they were. Only when that cannot work (the
// signaling socket is gone, the server refuses, or ICE still does not connect) does the call
// fall back to the full rejoin of reconnectPolicy.ts.
import type { types as ms } from 'mediasoup-client';
import type { CallLink } from './CallLink';
import type { TransportDirection, TransportState } from './callState';

export interface IceRestartPolicy {
  /** A transport `disconnected` this long (browsers give up on `failed` only after ~30 s). */
  disconnectedGraceMs: number;
  /** After a restart was applied, how long ICE may take to report `connected` again. */
  connectTimeoutMs: number;
  /** Restarts per outage before the full rejoin takes over. */
  maxAttempts: number;
}

export const DEFAULT_ICE_RESTART_POLICY: IceRestartPolicy = {
  disconnectedGraceMs: 2000,
  connectTimeoutMs: 8000,
  maxAttempts: 2,
};

export interface IceRestartStats {
  /** Restarts started (requests sent). */
  attempts: number;
  /** Restarts after which the transport reported `connected` again. */
  recovered: number;
  /** Times a restart could not help and the full rejoin took over. */
  fallbacks: number;
  /** From the start of the last successful restart to `connected`, in ms. */
  lastRecoveryMs: number | undefined;
  /** Why the last restart started (`disconnected`, `failed`, `online`, ...). */
  lastReason: string | undefined;
  /** Directions with a restart in flight now. */
  inProgress: TransportDirection[];
}

export interface IceRestartDeps {
  /** Whether `link` is still the call's live, joined link (results for older links are dropped). */
  isCurrent(link: CallLink): boolean;
  /** Give up on ICE restart: the full rejoin (CallSession.onLinkLost). */
  fallback(link: CallLink, reason: string): void;
  now(): number;
  /** Where `online` events come from (window in a browser); none: no network-change trigger. */
  onlineEvents?: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  log?: (message: string) => void;
}

interface DirectionState {
  state: TransportState | undefined;
  everConnected: boolean;
  graceTimer: unknown;
  connectTimer: unknown;
  restarting: boolean;
  startedAt: number;
  attempts: number;
}

const DIRECTIONS: readonly TransportDirection[] = ['send', 'recv'];

function transportOf(link: CallLink, direction: TransportDirection): ms.Transport | undefined {
  const t = direction === 'send' ? link.sendTransport : link.recvTransport;
  return t && !t.closed ? t : undefined;
}

/** ICE restarts for the transports of the current link; one per call session. */
export class IceRestartController {
  private link: CallLink | undefined;
  private dirs = new Map<TransportDirection, DirectionState>();
  private readonly totals = { attempts: 0, recovered: 0, fallbacks: 0 };
  private lastRecoveryMs: number | undefined;
  private lastReason: string | undefined;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly onOnline = () => this.restartAll('online');
  private closed = false;

  constructor(
    private readonly deps: IceRestartDeps,
    private readonly policy: IceRestartPolicy = DEFAULT_ICE_RESTART_POLICY,
  ) {
    this.setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    deps.onlineEvents?.addEventListener('online', this.onOnline);
  }

  /**
   * A transport's connection state changed. Returns true when this controller takes charge of
   * a `failed` (the transport had connected, so an ICE restart may bring it back); the caller
   * then must not start a rejoin itself.
   */
  observe(link: CallLink, direction: TransportDirection, state: TransportState): boolean {
    if (this.closed) return false;
    const d = this.bind(link, direction);
    d.state = state;
    if (state === 'connected') {
      d.everConnected = true;
      this.cancel(d, 'grace');
      if (d.restarting) this.recovered(direction, d);
      d.attempts = 0;
      return false;
    }
    if (!d.everConnected) return false; // first connection: mediaConnect.ts decides
    if (state === 'disconnected') {
      // Often a blip the browser's own checks repair; restart only when it lasts.
      if (!d.restarting && d.graceTimer === undefined) {
        d.graceTimer = this.setTimer(() => {
          d.graceTimer = undefined;
          if (this.link === link && d.state === 'disconnected') void this.start(link, direction, 'disconnected');
        }, this.policy.disconnectedGraceMs);
      }
      return false;
    }
    if (state === 'failed') {
      this.cancel(d, 'grace');
      if (!d.restarting) void this.start(link, direction, 'failed');
      return true;
    }
    return false;
  }

  /** Restarts every connected transport of the current link now (network change, tests). */
  restartAll(reason: string): TransportDirection[] {
    const link = this.link;
    if (this.closed || !link || !this.deps.isCurrent(link)) return [];
    const started: TransportDirection[] = [];
    for (const direction of DIRECTIONS) {
      const d = this.dirs.get(direction);
      if (!d?.everConnected || d.restarting || !transportOf(link, direction)) continue;
      d.attempts = 0; // a new outage
      this.cancel(d, 'grace');
      started.push(direction);
      void this.start(link, direction, reason);
    }
    return started;
  }

  stats(): IceRestartStats {
    return {
      ...this.totals,
      lastRecoveryMs: this.lastRecoveryMs,
      lastReason: this.lastReason,
      inProgress: DIRECTIONS.filter((dir) => this.dirs.get(dir)?.restarting),
    };
  }

  close(): void {
    this.closed = true;
    this.reset();
    this.deps.onlineEvents?.removeEventListener('online', this.onOnline);
  }

  private bind(link: CallLink, direction: TransportDirection): DirectionState {
    if (this.link !== link) {
      // A new link (rejoin) has new transports: nothing carries over.
      this.reset();
      this.link = link;
    }
    let d = this.dirs.get(direction);
    if (!d) {
      d = {
        state: undefined,
        everConnected: false,
        graceTimer: undefined,
        connectTimer: undefined,
        restarting: false,
        startedAt: 0,
        attempts: 0,
      };
      this.dirs.set(direction, d);
    }
    return d;
  }

  private reset(): void {
    for (const d of this.dirs.values()) {
      this.cancel(d, 'grace');
      this.cancel(d, 'connect');
    }
    this.dirs = new Map();
    this.link = undefined;
  }

  private cancel(d: DirectionState, which: 'grace' | 'connect'): void {
    const key = which === 'grace' ? 'graceTimer' : 'connectTimer';
    if (d[key] !== undefined) this.clearTimer(d[key]);
    d[key] = undefined;
  }

  private async start(link: CallLink, direction: TransportDirection, reason: string): Promise<void> {
    const d = this.dirs.get(direction);
    if (!d || d.restarting || this.link !== link || !this.deps.isCurrent(link)) return;
    const transport = transportOf(link, direction);
    if (!transport) return;
    if (link.signaling.state !== 'open') {
      // No way to ask for credentials; the rejoin (or a socket resume) is the way back.
      this.giveUp(link, `Media connection lost (${direction}: ${reason}) and the server is unreachable`);
      return;
    }
    if (d.attempts >= this.policy.maxAttempts) {
      this.giveUp(link, `Media did not recover after ${d.attempts} ICE restarts (${direction} transport)`);
      return;
    }
    d.attempts++;
    d.restarting = true;
    d.startedAt = this.deps.now();
    this.totals.attempts++;
    this.lastReason = reason;
    this.deps.log?.(`[iceRestart] ${direction} transport ${reason}: restarting ICE (attempt ${d.attempts})`);
    try {
      const { iceParameters } = await link.signaling.request('restartIce', { transportId: transport.id });
      if (this.link !== link || !this.deps.isCurrent(link) || transport.closed) return;
      await transport.restartIce({ iceParameters });
    } catch (err) {
      if (this.link !== link || !this.deps.isCurrent(link)) return;
      d.restarting = false;
      this.giveUp(link, `ICE restart failed (${direction} transport): ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (this.link !== link || !d.restarting) return; // connected already (recovered) or replaced
    if (transport.connectionState === 'connected') {
      // The old path still worked (an `online` event, a test): the browser moved to the new
      // credentials without the state ever leaving `connected`.
      this.recovered(direction, d);
      return;
    }
    this.cancel(d, 'connect');
    d.connectTimer = this.setTimer(() => {
      d.connectTimer = undefined;
      if (this.link !== link || !d.restarting) return;
      d.restarting = false;
      void this.start(link, direction, `still ${d.state ?? 'not connected'} after restart`);
    }, this.policy.connectTimeoutMs);
  }

  private recovered(direction: TransportDirection, d: DirectionState): void {
    d.restarting = false;
    this.cancel(d, 'connect');
    this.totals.recovered++;
    this.lastRecoveryMs = this.deps.now() - d.startedAt;
    this.deps.log?.(`[iceRestart] ${direction} transport connected again after ${Math.round(this.lastRecoveryMs)} ms`);
  }

  private giveUp(link: CallLink, reason: string): void {
    this.totals.fallbacks++;
    const l = this.link;
    this.reset();
    if (l === link && this.deps.isCurrent(link)) this.deps.fallback(link, reason);
  }
}
