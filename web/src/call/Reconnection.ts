// Losing the server and getting back (docs/protocol.md "Reconnect"). A dropped socket alone
// is resumed on a new socket with media untouched (SessionResume.ts); anything else (a
// failed transport, a refused resume) rejoins on a fresh link on the backoff schedule of
// reconnectPolicy.ts, while the lost link's consumers keep the tiles' last frames.
import type { SignalingClient } from '../signaling/SignalingClient';
import { SignalingError } from '../signaling/SignalingError';
import type { Notification } from '../signaling/protocol';
import type { CallLink } from './CallLink';
import type { CallAction, CallState } from './callState';
import { describeError as describe } from './describeError';
import { isRetryableError, reconnectDelay, type ReconnectPolicy } from './reconnectPolicy';
import { applyResume, resumeLink } from './SessionResume';

/** What reconnecting needs from the session. */
export interface ReconnectionHost {
  now(): number;
  /** Jitter source for the backoff (Math.random when absent). */
  random: (() => number) | undefined;
  policy: ReconnectPolicy;
  /** When the connection was last lost and last got back (the session's timeline). */
  timeline: { lostAt: number | undefined; rejoinedAt: number | undefined };
  /** The call was left or failed: nothing more is tried. */
  ended(): boolean;
  isCurrent(link: CallLink): boolean;
  /** A new link with the session's handlers; it becomes the current one. */
  openLink(): CallLink;
  /** The join flow on `link` as a rejoin (local media already known). */
  rejoin(link: CallLink): Promise<void>;
  /** A new signaling client with the session's handlers attached for `link`. */
  openSignaling(link: CallLink): SignalingClient;
  /** A notification the server sent while we were away (a resume replays them). */
  notify(link: CallLink, n: Notification): void;
  state(): CallState;
  dispatch(action: CallAction): void;
  /** Ends the call with a fatal error. */
  fail(err: unknown, context: string): void;
}

export class Reconnection {
  private reconnecting = false;
  /** A resume of the current link runs; `abandonResume`: its media failed meanwhile, rejoin instead. */
  private resuming = false;
  private abandonResume = false;
  /** Cuts a reconnect backoff wait short (leave). */
  private wakeBackoff: (() => void) | undefined;
  /** The lost link while reconnecting: its consumers stay open so tiles keep their last frame. */
  private frozenLink: CallLink | undefined;

  constructor(private readonly host: ReconnectionHost) {}

  /**
   * The socket closed or a transport failed. A call that was joined goes to
   * "reconnecting"; a link still joining lets its own flow see the error.
   */
  onLinkLost(link: CallLink, reason: string, terminal: boolean, socketOnly = false): void {
    if (!this.host.isCurrent(link)) return;
    if (terminal) {
      this.host.fail(new SignalingError('closed', reason), 'Disconnected');
      return;
    }
    if (!link.joined) return;
    if (this.resuming) {
      // Media failed (or the resumed socket dropped) mid-resume: the full rejoin takes over.
      this.abandonResume = true;
      this.wake();
      return;
    }
    if (socketOnly && link.resumeToken && !this.reconnecting) {
      void this.resume(link, reason);
      return;
    }
    if (this.reconnecting) {
      // A rejoin in flight lost its new link: its attempt fails and the loop tries again.
      link.close();
      return;
    }
    this.startReconnect(link, reason);
  }

  /** Ends a backoff wait now (the call was left, or a resume is abandoned). */
  wake(): void {
    this.wakeBackoff?.();
  }

  /** The tiles from before were replaced (or the call ends): their frozen frames can go. */
  releaseFrozenLink(): void {
    this.frozenLink?.close();
    this.frozenLink = undefined;
  }

  private startReconnect(link: CallLink, reason: string): void {
    this.reconnecting = true;
    const since = this.host.now();
    this.host.timeline.lostAt = since;
    // Tiles keep their last frame: their peers stay in the state, and their consumers open,
    // until the rejoin replaces them.
    link.close({ keepReceiving: true });
    this.frozenLink = link;
    console.warn(`[CallSession] ${reason}; reconnecting`);
    this.host.dispatch({ type: 'reconnecting', reason, since });
    void this.reconnectLoop(since);
  }

  /** Only the socket dropped: the same peer on a new socket, media untouched (SessionResume.ts). */
  private async resume(link: CallLink, reason: string): Promise<void> {
    const host = this.host;
    this.resuming = true;
    const since = host.now();
    host.timeline.lostAt = since;
    console.warn(`[CallSession] ${reason}; resuming`);
    host.dispatch({ type: 'reconnecting', reason, since, resuming: true });
    const outcome = await resumeLink(link, {
      now: host.now,
      ...(host.random ? { random: host.random } : {}),
      policy: host.policy,
      openSignaling: (l) => host.openSignaling(l),
      backoff: (ms) => this.backoff(ms),
      dispatch: (a) => host.dispatch(a),
      abandoned: (l) => !host.isCurrent(l) || this.abandonResume,
    }, since);
    this.resuming = false;
    this.abandonResume = false;
    if (!host.isCurrent(link)) return;
    const problem =
      outcome.kind === 'resumed'
        ? applyResume(link, outcome.response, host.state(), {
            resumed: () => {
              host.timeline.rejoinedAt = host.now();
              host.dispatch({ type: 'resumed' });
            },
            notify: (n) => host.notify(link, n),
          })
        : outcome.kind === 'refused' ? outcome.reason : 'media failed';
    if (problem !== undefined) this.startReconnect(link, `${reason}; could not resume: ${problem}`);
  }

  private async reconnectLoop(since: number): Promise<void> {
    const host = this.host;
    let lastError: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const delay = reconnectDelay(attempt, host.policy, host.random);
      const now = host.now();
      if (now - since + delay > host.policy.giveUpAfterMs) {
        const secs = Math.round((now - since) / 1000);
        host.fail(
          new SignalingError('reconnect_failed', `Could not reconnect after ${secs} s${lastError ? ` (${lastError})` : ''}`),
          'Connection lost',
        );
        return;
      }
      host.dispatch({ type: 'reconnectAttempt', attempt: attempt - 1, nextAttemptAt: now + delay, lastError });
      await this.backoff(delay);
      if (host.ended()) return;
      host.dispatch({ type: 'reconnectAttempt', attempt, nextAttemptAt: undefined });
      const link = host.openLink();
      try {
        await host.rejoin(link);
        if (link.closed) throw new SignalingError('closed', 'Lost the connection while rejoining');
        this.reconnecting = false;
        return;
      } catch (err) {
        if (host.ended()) return;
        const retry = link.closed || isRetryableError(err);
        link.close();
        if (!retry) {
          host.fail(err, 'Could not rejoin the call');
          return;
        }
        lastError = describe(err);
        // The attempt got as far as a join response (phase "joined"): show reconnecting again.
        if (link.joined) host.dispatch({ type: 'reconnecting', reason: lastError, since });
      }
    }
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
}
