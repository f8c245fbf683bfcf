import { afterEach, describe, expect, it } from 'vitest';
import type { CallSession } from './CallSession';
import type { ReconnectPolicy } from './reconnectPolicy';
import { FakeSfu } from '../test/FakeSfu';
import { bob, makeSession, until } from '../test/sessionHarness';
import type { PeerInfo } from '../signaling/protocol';

/** Fast schedule: 10, 20, 40, 40 ... ms, giving up after 400 ms. */
const FAST: ReconnectPolicy = { initialDelayMs: 10, maxDelayMs: 40, giveUpAfterMs: 400, jitter: 0 };

const carl: PeerInfo = {
  id: 'carl',
  displayName: 'Carl',
  producers: [{ id: 'carl-cam', peerId: 'carl', kind: 'video', source: 'webcam', paused: false }],
};

type LinkView = {
  link: {
    consumers: Map<string, { consumer: { closed: boolean } }>;
    sendTransport: { handler: { setConnectionState(s: string): void } };
    micProducer: { id: string; paused: boolean; track: MediaStreamTrack | null };
    camProducer: { id: string; paused: boolean; track: MediaStreamTrack | null };
  };
};
const linkOf = (s: CallSession) => (s as unknown as LinkView).link;

async function joinedSession(sfu: FakeSfu, policy: ReconnectPolicy = FAST) {
  const { session, getUserMedia } = makeSession(sfu, { reconnectPolicy: policy });
  await session.join('abc-defg-hij', 'Ann');
  expect(session.state.phase).toBe('joined');
  return { session, getUserMedia };
}

describe('CallSession reconnect', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('shows reconnecting while the server is down, keeping the tiles from before', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob)];
    ({ session } = await joinedSession(sfu));
    const s = session;
    sfu.crash();
    expect(s.state.phase).toBe('reconnecting');
    expect(s.state.reconnect?.reason).toContain('code 1006');
    // Bob's tile stays (with its last track) until the rejoin says who is there now.
    expect(Object.keys(s.state.peers)).toEqual(['bob']);
    expect(Object.keys(s.state.peers.bob!.consumers)).toHaveLength(2);
    // Attempts keep failing while the server is down; the socket count shows the retries.
    await until(() => sfu.sockets.length >= 4, 'three reconnect attempts');
    expect(s.state.phase).toBe('reconnecting');
    expect(s.state.reconnect!.attempt).toBeGreaterThanOrEqual(2);
    expect(s.state.reconnect!.lastError).toContain('closed');
  });

  it('rejoins the same room with the same name, sends mic and camera again and replaces stale peers', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob)];
    const made = await joinedSession(sfu);
    session = made.session;
    const s = session;
    const firstTracks = [linkOf(s).micProducer.track, linkOf(s).camProducer.track];
    const oldConsumers = [...linkOf(s).consumers.values()].map((e) => e.consumer);
    const joinsBefore = sfu.log.filter((r) => r.method === 'join').length;

    sfu.crash();
    await until(() => sfu.sockets.length >= 2, 'a failed attempt');
    // Bob's consumers stay open while away, so his tile holds its last frame.
    expect(oldConsumers.map((c) => c.closed)).toEqual([false, false]);
    // The server is back, with a different room population (a restart gives new peer ids).
    sfu.existingPeers = [structuredClone(carl)];
    sfu.down = false;
    await until(
      () =>
        s.state.phase === 'joined' &&
        Object.keys(s.state.peers.carl?.consumers ?? {}).length === 1 &&
        linkOf(s).micProducer !== undefined &&
        linkOf(s).camProducer !== undefined,
      'rejoin',
    );

    const joins = sfu.log.filter((r) => r.method === 'join');
    expect(joins).toHaveLength(joinsBefore + 1);
    expect(joins.at(-1)!.data).toMatchObject({ roomId: 'abc-defg-hij', displayName: 'Ann' });
    expect(s.state.selfPeerId).toBe('self-peer-2');
    expect(s.state.rejoins).toBe(1);
    expect(s.state.reconnect).toBeUndefined();
    expect(s.state.peers.bob).toBeUndefined();
    expect(oldConsumers.map((c) => c.closed)).toEqual([true, true]);
    expect(s.state.peerOrder).toEqual(['carl']);
    // A new Device and two new transports; the same local tracks are sent again.
    expect(sfu.log.filter((r) => r.method === 'createWebRtcTransport')).toHaveLength(4);
    const produced = sfu.log.filter((r) => r.method === 'produce').map((r) => r.data.kind);
    expect(produced.sort()).toEqual(['audio', 'audio', 'video', 'video']);
    expect([linkOf(s).micProducer.track, linkOf(s).camProducer.track]).toEqual(firstTracks);
    expect(made.getUserMedia).toHaveBeenCalledTimes(1);
    expect(s.state.local).toMatchObject({ micOn: true, camOn: true });
    expect(s.timeline.rejoinedAt).toBeGreaterThan(s.timeline.lostAt!);
    expect((await s.consumerStats()).map((r) => r.peerId)).toEqual(['carl']);
  });

  it('keeps mic and camera off across a rejoin, including a toggle made while reconnecting', async () => {
    const sfu = new FakeSfu();
    ({ session } = await joinedSession(sfu));
    const s = session;
    await s.setCamEnabled(false);
    sfu.crash();
    await s.setMicEnabled(false);
    expect(s.state.local).toMatchObject({ micOn: false, camOn: false });
    sfu.down = false;
    await until(() => s.state.phase === 'joined' && sfu.log.filter((r) => r.method === 'pauseProducer').length === 3, 'rejoin with both paused');

    const { micProducer, camProducer } = linkOf(s);
    expect(micProducer.paused).toBe(true);
    expect(camProducer.paused).toBe(true);
    const paused = sfu.log.filter((r) => r.method === 'pauseProducer').slice(1).map((r) => r.data.producerId);
    expect(paused.sort()).toEqual([micProducer.id, camProducer.id].sort());
    expect(s.state.local).toMatchObject({ micOn: false, camOn: false, micAvailable: true, camAvailable: true });

    await s.setCamEnabled(true);
    expect(camProducer.paused).toBe(false);
    expect(sfu.log.at(-1)).toMatchObject({ method: 'resumeProducer', data: { producerId: camProducer.id } });
    expect(paused).toContain(camProducer.id);
  });

  it('reconnects when a media transport fails, closing the old session', async () => {
    const sfu = new FakeSfu();
    ({ session } = await joinedSession(sfu));
    const s = session;
    const oldSocket = sfu.socket!;
    linkOf(s).sendTransport.handler.setConnectionState('failed');
    expect(s.state.phase).toBe('reconnecting');
    expect(s.state.reconnect!.reason).toContain('Media connection failed (send transport)');
    // Our side closes the old socket so the server frees the old peer at once.
    expect(oldSocket.closeCalls).toHaveLength(1);
    await until(() => s.state.phase === 'joined' && s.state.rejoins === 1, 'rejoin after ICE failure');
  });

  it('gives up after the policy deadline with a reconnect_failed error', async () => {
    const sfu = new FakeSfu();
    ({ session } = await joinedSession(sfu, { ...FAST, giveUpAfterMs: 150 }));
    const s = session;
    const lostAt = performance.now();
    sfu.crash();
    await until(() => s.state.phase === 'failed', 'giving up', 3000);
    const elapsed = performance.now() - lostAt;
    expect(elapsed).toBeLessThan(1000);
    expect(s.state.errors.at(-1)).toMatchObject({ code: 'reconnect_failed', fatal: true });
    expect(s.state.errors.at(-1)!.message).toMatch(/Could not reconnect after \d+ s/);
    const sockets = sfu.sockets.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(sfu.sockets.length).toBe(sockets);
  });

  it('stops at a refusal from the server (e.g. an auth error) instead of retrying', async () => {
    const sfu = new FakeSfu();
    ({ session } = await joinedSession(sfu));
    const s = session;
    sfu.crash();
    sfu.overrides.set('join', () => {
      throw Object.assign(new Error('wrong passcode'), { code: 'unauthorized' });
    });
    sfu.down = false;
    await until(() => s.state.phase === 'failed', 'failure');
    expect(s.state.errors.at(-1)).toMatchObject({ code: 'unauthorized', fatal: true });
    expect(sfu.log.filter((r) => r.method === 'join')).toHaveLength(2);
  });

  it('does not reconnect after a policy close (1008)', async () => {
    const sfu = new FakeSfu();
    ({ session } = await joinedSession(sfu));
    const s = session;
    sfu.socket!.serverClose(1008, 'rate limit');
    expect(s.state.phase).toBe('failed');
    await new Promise((r) => setTimeout(r, 50));
    expect(sfu.sockets).toHaveLength(1);
  });

  it('leaving while reconnecting stops the attempts', async () => {
    const sfu = new FakeSfu();
    ({ session } = await joinedSession(sfu, { ...FAST, initialDelayMs: 30 }));
    const s = session;
    sfu.crash();
    await s.leave();
    expect(s.state.phase).toBe('left');
    sfu.down = false;
    await new Promise((r) => setTimeout(r, 100));
    expect(sfu.sockets).toHaveLength(1);
    expect(sfu.methods().filter((m) => m === 'leave')).toHaveLength(0);
  });

  it('retries when the server drops the socket again during the rejoin', async () => {
    const sfu = new FakeSfu();
    ({ session } = await joinedSession(sfu));
    const s = session;
    sfu.crash();
    // The next server answers join, then dies before the transports are made.
    sfu.overrides.set('createWebRtcTransport', () => {
      sfu.overrides.delete('createWebRtcTransport');
      sfu.socket!.serverClose(1006);
      return {};
    });
    sfu.down = false;
    await until(
      () => sfu.log.filter((r) => r.method === 'join').length === 3 && s.state.phase === 'joined' && linkOf(s).camProducer !== undefined,
      'second rejoin',
    );
    expect(s.state.reconnect).toBeUndefined();
  });
});
