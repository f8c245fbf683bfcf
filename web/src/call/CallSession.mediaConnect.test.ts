import { afterEach, describe, expect, it, vi } from 'vitest';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import type { CallSession, CallSessionDeps } from './CallSession';
import { MEDIA_CONNECT_FAILED } from './mediaConnect';
import type { ReconnectPolicy } from './reconnectPolicy';
import { FakeSfu } from '../test/FakeSfu';
import { makeSession, until } from '../test/sessionHarness';

const FAST: ReconnectPolicy = { initialDelayMs: 10, maxDelayMs: 40, giveUpAfterMs: 2000, jitter: 0 };
const TURN: RTCIceServer = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1800000000:self-peer', credential: 'abc=' };

type Handler = { setConnectionState(s: string): void; setIceGatheringState(s: string): void };
type LinkView = { link: { sendTransport: { handler: Handler }; recvTransport: { handler: Handler } } };
const linkOf = (s: CallSession) => (s as unknown as LinkView).link;
const mediaError = (s: CallSession) => s.state.errors.find((e) => e.code === MEDIA_CONNECT_FAILED);

async function joined(sfu: FakeSfu, deps: Partial<CallSessionDeps> = {}) {
  const { session } = makeSession(sfu, { reconnectPolicy: FAST, deps });
  await session.join('abc-defg-hij', 'Ann');
  expect(session.state.phase).toBe('joined');
  return session;
}

describe('CallSession media connection', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('gives both transports the join response\'s ICE servers and the relay-only policy', async () => {
    const sfu = new FakeSfu();
    sfu.iceServers = [TURN];
    const options: Array<{ iceServers?: RTCIceServer[]; iceTransportPolicy?: RTCIceTransportPolicy }> = [];
    const createDevice = async () => {
      const device = new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) });
      for (const m of ['createSendTransport', 'createRecvTransport'] as const) {
        const orig = device[m].bind(device);
        vi.spyOn(device, m).mockImplementation((o) => {
          options.push({ iceServers: o.iceServers, iceTransportPolicy: o.iceTransportPolicy });
          return orig(o);
        });
      }
      return device;
    };
    session = await joined(sfu, { createDevice, iceTransportPolicy: 'relay' });
    expect(options).toEqual([
      { iceServers: [TURN], iceTransportPolicy: 'relay' },
      { iceServers: [TURN], iceTransportPolicy: 'relay' },
    ]);
  });

  it('uses replaced ICE servers (the test hook) instead of the join response\'s', async () => {
    const sfu = new FakeSfu();
    sfu.iceServers = [TURN];
    const expired = { ...TURN, username: '1000:x' };
    const seen: RTCIceServer[][] = [];
    session = await joined(sfu, {
      resolveIceServers: (fromJoin) => {
        seen.push(fromJoin);
        return [expired];
      },
    });
    expect(seen).toEqual([[TURN]]);
  });

  it('reports a transport that fails before it ever connected, rejoins once, then stays in the call', async () => {
    const sfu = new FakeSfu();
    sfu.iceServers = [TURN];
    const s = (session = await joined(sfu, { iceTransportPolicy: 'relay' }));
    linkOf(s).sendTransport.handler.setConnectionState('failed');
    expect(mediaError(s)?.message).toMatch(/could not connect through the relay/i);
    expect(mediaError(s)?.fatal).toBe(false);
    // A rejoin brings fresh TURN credentials: worth one try.
    expect(s.state.phase).toBe('reconnecting');
    await until(() => s.state.phase === 'joined' && s.state.rejoins === 1 && linkOf(s).recvTransport !== undefined, 'the rejoin');
    expect(mediaError(s)).toBeDefined();

    const sockets = sfu.sockets.length;
    linkOf(s).recvTransport.handler.setConnectionState('failed');
    expect(s.state.phase).toBe('joined');
    expect(mediaError(s)?.count).toBe(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(sfu.sockets.length).toBe(sockets);
    // Signaling still works: chat does.
    expect(await s.sendChat('no video here')).toBe(true);
  });

  it('treats gathering that found no local candidate as a failure at once', async () => {
    const sfu = new FakeSfu();
    sfu.iceServers = [TURN];
    const s = (session = await joined(sfu, { iceTransportPolicy: 'relay' }));
    // The fake transport's stats hold no candidates, as with a TURN server that refused us.
    linkOf(s).sendTransport.handler.setIceGatheringState('complete');
    await until(() => mediaError(s) !== undefined, 'the media error');
    expect(s.state.phase).toBe('reconnecting');
  });

  it('reports a transport that does not connect in time without reconnecting, and withdraws it once connected', async () => {
    const sfu = new FakeSfu();
    const s = (session = await joined(sfu, { mediaConnectTimeoutMs: 30 }));
    await until(() => mediaError(s) !== undefined, 'the media error', 1000);
    expect(mediaError(s)!.message).toMatch(/could not connect to the server/i);
    expect(s.state.phase).toBe('joined');
    linkOf(s).sendTransport.handler.setConnectionState('connected');
    expect(mediaError(s)).toBeUndefined();
  });

  it('restarts ICE on the same transport when one that was connected fails, without rejoining', async () => {
    const sfu = new FakeSfu();
    sfu.overrides.set('restartIce', () => ({ iceParameters: testFakeParameters.generateTransportRemoteParameters().iceParameters }));
    const s = (session = await joined(sfu));
    const link = linkOf(s);
    link.sendTransport.handler.setConnectionState('connected');
    link.sendTransport.handler.setConnectionState('failed');
    expect(s.state.phase).toBe('joined');
    await until(() => sfu.log.some((r) => r.method === 'restartIce'), 'the restartIce request');
    link.sendTransport.handler.setConnectionState('connected');
    await until(() => s.iceRestart.stats().recovered === 1, 'the recovery');
    expect(s.state.phase).toBe('joined');
    expect(s.state.rejoins).toBe(0);
    expect(linkOf(s)).toBe(link);
  });

  it('rejoins without the media error when the server refuses the ICE restart of a failed transport', async () => {
    const sfu = new FakeSfu();
    sfu.overrides.set('restartIce', () => {
      throw Object.assign(new Error('transport not found'), { code: 'not_found' });
    });
    const s = (session = await joined(sfu));
    linkOf(s).sendTransport.handler.setConnectionState('connected');
    linkOf(s).sendTransport.handler.setConnectionState('failed');
    await until(() => s.state.phase === 'reconnecting', 'reconnecting');
    expect(s.state.reconnect!.reason).toContain('ICE restart failed (send transport)');
    expect(mediaError(s)).toBeUndefined();
    await until(() => s.state.phase === 'joined' && s.state.rejoins === 1, 'the rejoin');
  });
});
