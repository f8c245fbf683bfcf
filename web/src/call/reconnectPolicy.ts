// When and how often a call tries to get back after losing the server: the backoff
// schedule and which failures are worth retrying. Pure functions, no timers.
import { SignalingError } from '../signaling/SignalingError';

export interface ReconnectPolicy {
  /** Delay before the first attempt. */
  initialDelayMs: number;
  /** Each delay doubles up to this. */
  maxDelayMs: number;
  /** No new attempt starts this long after the connection was lost. */
  giveUpAfterMs: number;
  /** Each delay is spread by ±jitter (0..1) so a room of clients does not retry in lockstep. */
  jitter: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 5000,
  giveUpAfterMs: 60_000,
  jitter: 0.2,
};

/** The wait before attempt `attempt` (1-based): initial, doubling, capped, then jittered. */
export function reconnectDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const exp = Math.min(Math.max(attempt - 1, 0), 30);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exp);
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** RFC 6455 §7.4.1: 1008 is a policy violation (abuse limits, a refused session). */
export const WS_POLICY_VIOLATION = 1008;

/** docs/protocol.md "Closing": another socket resumed our peer; retrying would take it back and forth. */
export const WS_REPLACED = 4002;

/** A close the server meant: coming back would be refused again (or fight another tab), so we do not retry. */
export function isTerminalClose(code: number): boolean {
  return code === WS_POLICY_VIOLATION || code === WS_REPLACED;
}

/**
 * Errors that say "the server was not there" (or briefly overloaded), as opposed to
 * "the server answered no" (bad passcode, room full, invalid request): only the first kind
 * is retried.
 */
const RETRYABLE_CODES: ReadonlySet<string> = new Set(['closed', 'timeout', 'not_connected', 'internal', 'rate_limited']);

export function isRetryableError(err: unknown): boolean {
  return err instanceof SignalingError && RETRYABLE_CODES.has(err.code);
}
