import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '../test/FakeWebSocket';
import { SignalingClient, signalingUrlFor } from './SignalingClient';
import { SignalingError } from './SignalingError';
import type { Notification } from './protocol';

function setup(opts: { requestTimeoutMs?: number; connectTimeoutMs?: number } = {}) {
  let socket: FakeWebSocket | undefined;
  const client = new SignalingClient({
    url: 'ws://example.test/ws',
    createSocket: (url) => (socket = new FakeWebSocket(url)),
    ...opts,
  });
  return {
    client,
    get socket(): FakeWebSocket {
      if (!socket) throw new Error('socket not created');
      return socket;
    },
  };
}

async function connected(opts: { requestTimeoutMs?: number } = {}) {
  const t = setup(opts);
  const p = t.client.connect();
  t.socket.serverOpen();
  await p;
  return t;
}

describe('signalingUrlFor', () => {
  it('uses ws for http and wss for https, on the page host, at /ws', () => {
    expect(signalingUrlFor({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/ws');
    expect(signalingUrlFor({ protocol: 'https:', host: 'call.example.com' })).toBe('wss://call.example.com/ws');
  });
});

describe('SignalingClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connect resolves once the socket opens and opens the given url', async () => {
    const t = setup();
    const p = t.client.connect();
    expect(t.client.state).toBe('connecting');
    expect(t.socket.url).toBe('ws://example.test/ws');
    t.socket.serverOpen();
    await expect(p).resolves.toBeUndefined();
    expect(t.client.state).toBe('open');
  });

  it('connect rejects when the socket closes before opening', async () => {
    const t = setup();
    const p = t.client.connect();
    t.socket.serverClose(1006);
    await expect(p).rejects.toMatchObject({ code: 'closed' });
    expect(t.client.state).toBe('closed');
  });

  it('connect rejects with timeout when the socket never opens', async () => {
    const t = setup({ connectTimeoutMs: 500 });
    const p = t.client.connect();
    const assertion = expect(p).rejects.toMatchObject({ code: 'timeout' });
    vi.advanceTimersByTime(501);
    await assertion;
    expect(t.socket.closeCalls.length).toBe(1);
  });

  it('sends requests in the protocol envelope with increasing integer ids', async () => {
    const t = await connected();
    void t.client.request('getRouterRtpCapabilities', {});
    void t.client.request('chat', { text: 'hi' });
    const [a, b] = t.socket.requests();
    expect(a).toEqual({ request: true, id: 1, method: 'getRouterRtpCapabilities', data: {} });
    expect(b).toEqual({ request: true, id: 2, method: 'chat', data: { text: 'hi' } });
  });

  it('resolves each request with the response carrying its id, whatever the order', async () => {
    const t = await connected();
    const first = t.client.request('chat', { text: 'one' });
    const second = t.client.request('chat', { text: 'two' });
    const [r1, r2] = t.socket.requests();
    t.socket.serverSend({ response: true, id: r2!.id, ok: true, data: { id: 'm2', timestamp: 2 } });
    t.socket.serverSend({ response: true, id: r1!.id, ok: true, data: { id: 'm1', timestamp: 1 } });
    await expect(first).resolves.toEqual({ id: 'm1', timestamp: 1 });
    await expect(second).resolves.toEqual({ id: 'm2', timestamp: 2 });
    expect(t.client.pendingCount).toBe(0);
  });

  it('resolves with {} when an ok response has no data', async () => {
    const t = await connected();
    const p = t.client.request('pauseProducer', { producerId: 'p1' });
    t.socket.serverSend({ response: true, id: t.socket.lastRequest().id, ok: true });
    await expect(p).resolves.toEqual({});
  });

  it('rejects with the server error code and message on ok:false', async () => {
    const t = await connected();
    const p = t.client.request('produce', {
      transportId: 't',
      kind: 'video',
      rtpParameters: { codecs: [] },
    });
    t.socket.serverSend({
      response: true,
      id: t.socket.lastRequest().id,
      ok: false,
      error: { code: 'invalid_request', message: 'data.kind: expected string' },
    });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignalingError);
    expect(err).toMatchObject({ code: 'invalid_request', message: 'data.kind: expected string', method: 'produce' });
  });

  it('rejects with timeout when no response arrives, and ignores the late response', async () => {
    const t = await connected({ requestTimeoutMs: 1000 });
    const p = t.client.request('join', { roomId: 'r', displayName: 'A', rtpCapabilities: {} });
    const id = t.socket.lastRequest().id;
    const assertion = expect(p).rejects.toMatchObject({ code: 'timeout', method: 'join' });
    vi.advanceTimersByTime(999);
    expect(t.client.pendingCount).toBe(1);
    vi.advanceTimersByTime(2);
    await assertion;
    expect(t.client.pendingCount).toBe(0);
    // A late response must not throw or resolve anything.
    expect(() => t.socket.serverSend({ response: true, id, ok: true, data: {} })).not.toThrow();
  });

  it('honours a per-request timeout', async () => {
    const t = await connected({ requestTimeoutMs: 60_000 });
    const p = t.client.request('leave', {}, { timeoutMs: 100 });
    const assertion = expect(p).rejects.toMatchObject({ code: 'timeout' });
    vi.advanceTimersByTime(101);
    await assertion;
  });

  it('rejects every pending request with "closed" when the socket closes, and emits close', async () => {
    const t = await connected();
    const closes: Array<{ code: number; byClient: boolean }> = [];
    t.client.on('close', (e) => closes.push({ code: e.code, byClient: e.byClient }));
    const a = t.client.request('chat', { text: 'a' });
    const b = t.client.request('chat', { text: 'b' });
    t.socket.serverClose(1011, 'server going away');
    await expect(a).rejects.toMatchObject({ code: 'closed' });
    await expect(b).rejects.toMatchObject({ code: 'closed' });
    expect(closes).toEqual([{ code: 1011, byClient: false }]);
    await expect(t.client.request('chat', { text: 'c' })).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('marks a close it initiated as byClient', async () => {
    const t = await connected();
    const closes: boolean[] = [];
    t.client.on('close', (e) => closes.push(e.byClient));
    t.client.close();
    t.client.close();
    expect(closes).toEqual([true]);
    expect(t.socket.closeCalls).toHaveLength(1);
  });

  it('refuses requests before connect', async () => {
    const t = setup();
    await expect(t.client.request('getRouterRtpCapabilities', {})).rejects.toMatchObject({ code: 'not_connected' });
  });

  it('refuses a request whose frame would exceed 64 KiB without sending it', async () => {
    const t = await connected();
    const p = t.client.request('chat', { text: 'x'.repeat(70 * 1024) });
    await expect(p).rejects.toMatchObject({ code: 'frame_too_large' });
    expect(t.socket.sent).toHaveLength(0);
  });

  it('dispatches notifications as typed events', async () => {
    const t = await connected();
    const seen: Notification[] = [];
    t.client.on('notification', (n) => seen.push(n));
    t.socket.serverSend({ notification: true, method: 'peerJoined', data: { id: 'p2', displayName: 'Bob' } });
    t.socket.serverSend({ notification: true, method: 'producerPaused', data: { producerId: 'x', peerId: 'p2' } });
    expect(seen).toEqual([
      { method: 'peerJoined', data: { id: 'p2', displayName: 'Bob' } },
      { method: 'producerPaused', data: { producerId: 'x', peerId: 'p2' } },
    ]);
  });

  it('reports unknown notifications, non-JSON frames and id:null errors as protocolError', async () => {
    const t = await connected();
    const notes: Notification[] = [];
    const errors: SignalingError[] = [];
    t.client.on('notification', (n) => notes.push(n));
    t.client.on('protocolError', (e) => errors.push(e));
    t.socket.serverSend({ notification: true, method: 'bogus', data: {} });
    t.socket.serverSend('not json{');
    t.socket.serverSend({ response: true, id: null, ok: false, error: { code: 'bad_json', message: 'frame is not JSON' } });
    expect(notes).toHaveLength(0);
    expect(errors.map((e) => e.code)).toEqual(['protocol', 'protocol', 'bad_json']);
    expect(errors[2]!.message).toBe('frame is not JSON');
  });

  it('keeps working after a listener throws', async () => {
    const t = await connected();
    const errSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[] = [];
    t.client.on('notification', () => {
      throw new Error('boom');
    });
    t.client.on('notification', (n) => seen.push(n.method));
    t.socket.serverSend({ notification: true, method: 'peerLeft', data: { peerId: 'p2' } });
    expect(seen).toEqual(['peerLeft']);
    errSpy.mockRestore();
  });
  it('dropSocket closes like a network drop: the close event is not byClient', async () => {
    const t = await connected();
    const closes: Array<{ code: number; byClient: boolean }> = [];
    t.client.on('close', (ev) => closes.push({ code: ev.code, byClient: ev.byClient }));
    expect(t.client.dropSocket()).toBe(true);
    expect(t.socket.closeCalls).toEqual([{ code: 4000, reason: 'dropped' }]);
    t.socket.serverClose(4000, 'dropped');
    expect(closes).toEqual([{ code: 4000, byClient: false }]);
    expect(t.client.dropSocket()).toBe(false);
  });

  it('passes peerConnectionState notifications on', async () => {
    const t = await connected();
    const notes: Notification[] = [];
    t.client.on('notification', (n) => notes.push(n));
    t.socket.serverSend({ notification: true, method: 'peerConnectionState', data: { peerId: 'p2', state: 'reconnecting' } });
    expect(notes).toEqual([{ method: 'peerConnectionState', data: { peerId: 'p2', state: 'reconnecting' } }]);
  });
});
