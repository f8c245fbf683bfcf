import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_POLICY, isRetryableError, isTerminalClose, reconnectDelay } from './reconnectPolicy';
import { SignalingError } from '../signaling/SignalingError';

describe('reconnectDelay', () => {
  it('starts at 0.5 s and doubles up to 5 s (no jitter at random = 0.5)', () => {
    const delays = [1, 2, 3, 4, 5, 6, 20].map((n) => reconnectDelay(n, DEFAULT_RECONNECT_POLICY, () => 0.5));
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('spreads each delay by ±20% so clients do not retry in lockstep', () => {
    expect(reconnectDelay(1, DEFAULT_RECONNECT_POLICY, () => 0)).toBe(400);
    expect(reconnectDelay(1, DEFAULT_RECONNECT_POLICY, () => 1)).toBe(600);
    expect(reconnectDelay(9, DEFAULT_RECONNECT_POLICY, () => 0.999)).toBeLessThanOrEqual(6000);
  });

  it('gives about a dozen attempts within the 60 s deadline', () => {
    let t = 0;
    let n = 0;
    while (t + reconnectDelay(n + 1, DEFAULT_RECONNECT_POLICY, () => 0.5) <= DEFAULT_RECONNECT_POLICY.giveUpAfterMs) {
      t += reconnectDelay(++n, DEFAULT_RECONNECT_POLICY, () => 0.5);
    }
    expect(n).toBe(14);
  });
});

describe('what is retried', () => {
  it('retries a lost or silent server, not a refusal', () => {
    expect(isRetryableError(new SignalingError('closed', 'x'))).toBe(true);
    expect(isRetryableError(new SignalingError('timeout', 'x'))).toBe(true);
    expect(isRetryableError(new SignalingError('not_connected', 'x'))).toBe(true);
    expect(isRetryableError(new SignalingError('unauthorized', 'x'))).toBe(false);
    expect(isRetryableError(new SignalingError('invalid_request', 'x'))).toBe(false);
    expect(isRetryableError(new Error('boom'))).toBe(false);
  });

  it('treats only a policy close (1008) as final', () => {
    expect(isTerminalClose(1008)).toBe(true);
    expect(isTerminalClose(4002)).toBe(true); // another socket resumed our peer
    expect(isTerminalClose(4001)).toBe(false);
    expect(isTerminalClose(1006)).toBe(false);
    expect(isTerminalClose(1001)).toBe(false);
    expect(isTerminalClose(1000)).toBe(false);
  });
});
