// Getting the same peer back on a new socket after only the WebSocket dropped
// (docs/protocol.md "Reconnect"): the Device, transports, producers and consumers of the
// link stay as they are, since ICE and DTLS do not depend on the socket. Each attempt opens
// a socket and sends `resume`; `resume_failed` (unknown peer, grace period over) or a
// non-retryable answer hands over to the full rejoin.
import type { SignalingClient } from '../signaling/SignalingClient';
import { SignalingError } from '../signaling/SignalingError';
import type { Notification, ResumeResponse } from '../signaling/protocol';
import type { CallLink } from './CallLink';
import type { CallAction, CallState } from './callState';
import { describeError } from './describeError';
import { isRetryableError, reconnectDelay, type ReconnectPolicy } from './reconnectPolicy';
import { missingOwnObjects, reconcileNotifications } from './resumeReconcile';

export const RESUME_FAILED = 'resume_failed';

export interface ResumeHost {
  now(): number;
  random?: () => number;
  policy: ReconnectPolicy;
  /** A new signaling client with the session's handlers attached for `link`. */
  openSignaling(link: CallLink): SignalingClient;
  backoff(ms: number): Promise<void>;
  dispatch(action: CallAction): void;
  /** The call was left, or the link replaced / given up (e.g. its media failed meanwhile). */
  abandoned(link: CallLink): boolean;
}

export type ResumeOutcome =
  | { kind: 'resumed'; response: ResumeResponse }
  /** Not resumable: rejoin from scratch. */
  | { kind: 'refused'; reason: string }
  | { kind: 'abandoned' };

/**
 * Retries `resume` on the backoff schedule until it works, the server refuses, or the
 * schedule gives up. On success the link uses the new socket and carries the new token.
 */
export async function resumeLink(link: CallLink, host: ResumeHost, since: number): Promise<ResumeOutcome> {
  const peerId = link.peerId;
  let token = link.resumeToken;
  if (!peerId || !token) return { kind: 'refused', reason: 'no resume token' };
  let lastError: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const delay = reconnectDelay(attempt, host.policy, host.random);
    const now = host.now();
    if (now - since + delay > host.policy.giveUpAfterMs) return { kind: 'refused', reason: lastError ?? 'gave up' };
    host.dispatch({ type: 'reconnectAttempt', attempt: attempt - 1, nextAttemptAt: now + delay, lastError });
    await host.backoff(delay);
    if (host.abandoned(link)) return { kind: 'abandoned' };
    host.dispatch({ type: 'reconnectAttempt', attempt, nextAttemptAt: undefined });
    const signaling = host.openSignaling(link);
    try {
      await signaling.connect();
      const response = await signaling.request('resume', { peerId, resumeToken: token });
      if (host.abandoned(link)) {
        signaling.close();
        return { kind: 'abandoned' };
      }
      link.useSignaling(signaling);
      link.resumeToken = response.resumeToken;
      return { kind: 'resumed', response };
    } catch (err) {
      signaling.close();
      if (host.abandoned(link)) return { kind: 'abandoned' };
      if (err instanceof SignalingError && err.code === RESUME_FAILED) return { kind: 'refused', reason: err.message };
      if (!isRetryableError(err)) return { kind: 'refused', reason: describeError(err) };
      lastError = describeError(err);
      token = link.resumeToken ?? token;
    }
  }
}

/**
 * Brings a resumed link up to date: `resumed()` (the call is back), then the notifications it
 * missed, through `notify`. Returns why it cannot (the server lost some of our own transports
 * or producers: only a rejoin helps), or undefined.
 */
export function applyResume(
  link: CallLink,
  res: ResumeResponse,
  state: CallState,
  on: { resumed(): void; notify(n: Notification): void },
): string | undefined {
  const own = {
    transports: [link.sendTransport, link.recvTransport].flatMap((t) => (t && !t.closed ? [t.id] : [])),
    producers: [link.micProducer, link.camProducer, link.screenProducer].flatMap((p) => (p && !p.closed ? [p.id] : [])),
  };
  const missing = missingOwnObjects(own, res);
  if (missing.length > 0) return `the server no longer has ${missing.length} of our media objects`;
  const held = [...link.consumers.values()].map((e) => ({ id: e.consumer.id, producerId: e.consumer.producerId }));
  const notes = reconcileNotifications(state, held, link.consumedProducers, res);
  on.resumed();
  for (const n of notes) on.notify(n);
  return undefined;
}
