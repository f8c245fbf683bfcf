import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallLink } from './CallLink';
import type { TransportDirection } from './callState';
import { DEFAULT_ICE_RESTART_POLICY, IceRestartController } from './iceRestart';
import { SignalingError } from '../signaling/SignalingError';

interface FakeTransport {
  id: string;
  closed: boolean;
  connectionState: string;
  restartIce: ReturnType<typeof vi.fn>;
}

function fakeTransport(id: string): FakeTransport {
  return { id, closed: false, connectionState: 'connected', restartIce: vi.fn(async () => {}) };
}

function fakeLink() {
  const send = fakeTransport('t-send');
  const recv = fakeTransport('t-recv');
  let n = 0;
  const signaling = {
    state: 'open',
    request: vi.fn(async (_method: string, _data: unknown): Promise<unknown> => ({
      iceParameters: { usernameFragment: `u${++n}`, password: `p${n}`, iceLite: true },
    })),
  };
  const link = { sendTransport: send, recvTransport: recv, signaling, joined: true } as unknown as CallLink;
  return { link, send, recv, signaling };
}

function setup(options: { withOnline?: boolean } = {}) {
  const fallback = vi.fn();
  const current = new Set<CallLink>();
  const online = new EventTarget();
  const controller = new IceRestartController({
    isCurrent: (l) => current.has(l),
    fallback,
    now: () => Date.now(),
    ...(options.withOnline ? { onlineEvents: online } : {}),
  });
  const f = fakeLink();
  current.add(f.link);
  const connectBoth = () => {
    controller.observe(f.link, 'send', 'connected');
    controller.observe(f.link, 'recv', 'connected');
  };
  return { controller, fallback, current, online, connectBoth, ...f };
}

/** Lets the awaited request and restartIce() settle. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('IceRestartController', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('leaves a short disconnection to the browser', async () => {
    const s = setup();
    s.connectBoth();
    s.controller.observe(s.link, 'send', 'disconnected');
    vi.advanceTimersByTime(DEFAULT_ICE_RESTART_POLICY.disconnectedGraceMs - 100);
    s.controller.observe(s.link, 'send', 'connected');
    vi.advanceTimersByTime(5000);
    await settle();
    expect(s.signaling.request).not.toHaveBeenCalled();
    expect(s.controller.stats().attempts).toBe(0);
  });

  it('restarts ICE on the same transport after 2 s disconnected, and counts the recovery', async () => {
    const s = setup();
    s.connectBoth();
    s.recv.connectionState = 'disconnected';
    s.controller.observe(s.link, 'recv', 'disconnected');
    vi.advanceTimersByTime(DEFAULT_ICE_RESTART_POLICY.disconnectedGraceMs);
    await settle();
    expect(s.signaling.request).toHaveBeenCalledWith('restartIce', { transportId: 't-recv' });
    expect(s.recv.restartIce).toHaveBeenCalledWith({ iceParameters: { usernameFragment: 'u1', password: 'p1', iceLite: true } });
    expect(s.send.restartIce).not.toHaveBeenCalled();
    expect(s.controller.stats().inProgress).toEqual(['recv']);

    vi.advanceTimersByTime(700);
    s.controller.observe(s.link, 'recv', 'connected');
    const stats = s.controller.stats();
    expect(stats).toMatchObject({ attempts: 1, recovered: 1, fallbacks: 0, lastReason: 'disconnected', inProgress: [] });
    expect(stats.lastRecoveryMs).toBe(700);
    expect(s.fallback).not.toHaveBeenCalled();
  });

  it('takes charge of a failure after the transport had connected', async () => {
    const s = setup();
    s.connectBoth();
    s.send.connectionState = 'failed';
    expect(s.controller.observe(s.link, 'send', 'failed')).toBe(true);
    await settle();
    expect(s.send.restartIce).toHaveBeenCalledTimes(1);
    expect(s.controller.stats().lastReason).toBe('failed');
  });

  it('leaves a first connection that fails to the media-connect logic', async () => {
    const s = setup();
    expect(s.controller.observe(s.link, 'send', 'failed')).toBe(false);
    s.controller.observe(s.link, 'recv', 'disconnected');
    vi.advanceTimersByTime(10_000);
    await settle();
    expect(s.signaling.request).not.toHaveBeenCalled();
  });

  it('falls back to the rejoin at once when the signaling socket is gone', async () => {
    const s = setup();
    s.connectBoth();
    s.signaling.state = 'closed';
    expect(s.controller.observe(s.link, 'send', 'failed')).toBe(true);
    await settle();
    expect(s.signaling.request).not.toHaveBeenCalled();
    expect(s.fallback).toHaveBeenCalledTimes(1);
    expect(s.fallback.mock.calls[0]![1]).toMatch(/server is unreachable/);
    expect(s.controller.stats().fallbacks).toBe(1);
  });

  it('falls back when the server refuses the restart', async () => {
    const s = setup();
    s.connectBoth();
    s.signaling.request.mockRejectedValueOnce(new SignalingError('not_found', 'transport t-send not found'));
    s.controller.observe(s.link, 'send', 'failed');
    await settle();
    expect(s.send.restartIce).not.toHaveBeenCalled();
    expect(s.fallback).toHaveBeenCalledTimes(1);
    expect(s.fallback.mock.calls[0]![1]).toMatch(/ICE restart failed \(send transport\).*not found/);
  });

  it('tries again when ICE does not connect in time, then gives up to the rejoin', async () => {
    const s = setup();
    s.connectBoth();
    s.send.connectionState = 'failed';
    s.controller.observe(s.link, 'send', 'failed');
    await settle();
    expect(s.signaling.request).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(DEFAULT_ICE_RESTART_POLICY.connectTimeoutMs);
    await settle();
    expect(s.signaling.request).toHaveBeenCalledTimes(2);
    expect(s.fallback).not.toHaveBeenCalled();
    vi.advanceTimersByTime(DEFAULT_ICE_RESTART_POLICY.connectTimeoutMs);
    await settle();
    expect(s.signaling.request).toHaveBeenCalledTimes(DEFAULT_ICE_RESTART_POLICY.maxAttempts);
    expect(s.fallback).toHaveBeenCalledTimes(1);
    expect(s.fallback.mock.calls[0]![1]).toMatch(/did not recover after 2 ICE restarts/);
  });

  it('restarts every connected transport when the network comes back online', async () => {
    const s = setup({ withOnline: true });
    s.connectBoth();
    s.online.dispatchEvent(new Event('online'));
    await settle();
    const ids = s.signaling.request.mock.calls.map((c) => (c[1] as { transportId: string }).transportId).sort();
    expect(ids).toEqual(['t-recv', 't-send']);
    // The old path still worked: both count as recovered without leaving `connected`.
    expect(s.controller.stats()).toMatchObject({ attempts: 2, recovered: 2, lastReason: 'online', inProgress: [] });
  });

  it('forgets everything about a link the call has replaced', async () => {
    const s = setup();
    s.connectBoth();
    s.controller.observe(s.link, 'send', 'disconnected');
    const next = fakeLink();
    s.current.delete(s.link);
    s.current.add(next.link);
    s.controller.observe(next.link, 'send', 'connected');
    vi.advanceTimersByTime(10_000);
    await settle();
    expect(s.signaling.request).not.toHaveBeenCalled();
    expect(next.signaling.request).not.toHaveBeenCalled();
    expect(s.controller.restartAll('test')).toEqual(['send'] as TransportDirection[]);
  });

  it('stops listening for online events once closed', async () => {
    const s = setup({ withOnline: true });
    s.connectBoth();
    s.controller.close();
    s.online.dispatchEvent(new Event('online'));
    await settle();
    expect(s.signaling.request).not.toHaveBeenCalled();
  });
});
