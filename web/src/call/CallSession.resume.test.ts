import { afterEach, describe, expect, it } from 'vitest';
import type { CallSession } from './CallSession';
import type { ReconnectPolicy } from './reconnectPolicy';
import { FakeSfu } from '../test/FakeSfu';
import { bob, makeSession, until } from '../test/sessionHarness';
import type { PeerInfo, ProducerInfo } from '../signaling/protocol';

const FAST: ReconnectPolicy = { initialDelayMs: 10, maxDelayMs: 40, giveUpAfterMs: 400, jitter: 0 };

type LinkView = {
  link: {
    resumeToken: string | undefined;
    consumers: Map<string, { consumer: { id: string; closed: boolean; producerId: string } }>;
    sendTransport: { id: string; closed: boolean; handler: { setConnectionState(s: string): void } };
    recvTransport: { id: string; closed: boolean };
    micProducer: { id: string; closed: boolean };
    camProducer: { id: string; closed: boolean };
  };
};
const linkOf = (s: CallSession) => (s as unknown as LinkView).link;

const carlCam: ProducerInfo = { id: 'carl-cam', peerId: 'carl', kind: 'video', source: 'webcam', paused: false };

/** A server that hands out resume tokens with join (FakeSfu's join plus `resumeToken`). */
function resumingSfu(): FakeSfu {
  const sfu = new FakeSfu();
  sfu.existingPeers = [structuredClone(bob)];
  sfu.overrides.set('join', (data) => {
    for (const p of sfu.existingPeers) p.producers.forEach((pr) => sfu.knowProducer(pr));
    sfu.joins++;
    return {
      peerId: sfu.joins === 1 ? 'self-peer' : `self-peer-${sfu.joins}`,
      roomId: data.roomId,
      peers: structuredClone(sfu.existingPeers),
      iceServers: [],
      resumeToken: `token-${sfu.joins}`,
    };
  });
  return sfu;
}

describe('CallSession resume', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('resumes the same peer on a new socket, keeping transports, producers and unchanged consumers', async () => {
    const sfu = resumingSfu();
    ({ session } = makeSession(sfu, { reconnectPolicy: FAST }));
    const s = session;
    await s.join('abc-defg-hij', 'Ann');
    await until(() => linkOf(s).consumers.size === 2 && linkOf(s).camProducer !== undefined, 'joined with media');
    const link = linkOf(s);
    const byProducer = (id: string) => [...link.consumers.values()].find((e) => e.consumer.producerId === id)!.consumer;
    const bobMic = byProducer('bob-mic');
    const bobCam = byProducer('bob-cam');
    // While we were away Bob closed his camera and Carl joined with one.
    sfu.knowProducer(carlCam);
    sfu.overrides.set('resume', () => ({
      peerId: 'self-peer',
      roomId: 'abc-defg-hij',
      peers: [{ ...structuredClone(bob), producers: [structuredClone(bob.producers[0]!)] }, { id: 'carl', displayName: 'Carl', producers: [carlCam] }] as PeerInfo[],
      producers: [
        { id: link.micProducer.id, peerId: 'self-peer', kind: 'audio', source: 'mic', paused: false },
        { id: link.camProducer.id, peerId: 'self-peer', kind: 'video', source: 'webcam', paused: false },
      ],
      transports: [link.sendTransport.id, link.recvTransport.id],
      consumers: [bobMic.id],
      resumeToken: 'token-next',
      iceServers: [],
    }));

    sfu.socket!.serverClose(1006);
    expect(s.state.phase).toBe('reconnecting');
    await until(() => s.state.phase === 'joined' && s.state.peers.carl?.consumers !== undefined && Object.keys(s.state.peers.carl.consumers).length === 1, 'resumed');

    const resume = sfu.log.filter((r) => r.method === 'resume');
    expect(resume).toHaveLength(1);
    expect(resume[0]!.data).toEqual({ peerId: 'self-peer', resumeToken: 'token-1' });
    expect(sfu.log.filter((r) => r.method === 'join')).toHaveLength(1);
    expect(sfu.log.filter((r) => r.method === 'createWebRtcTransport')).toHaveLength(2);
    expect(sfu.log.filter((r) => r.method === 'produce')).toHaveLength(2);
    expect(s.state.resumes).toBe(1);
    expect(s.state.rejoins).toBe(0);
    expect(s.state.selfPeerId).toBe('self-peer');
    expect(linkOf(s)).toBe(link);
    expect(link.resumeToken).toBe('token-next');
    expect([link.sendTransport.closed, link.micProducer.closed, link.camProducer.closed]).toEqual([false, false, false]);
    // Bob's mic consumer is the same object; his camera's was closed; Carl's is new.
    expect(bobMic.closed).toBe(false);
    expect(bobCam.closed).toBe(true);
    expect(Object.keys(s.state.peers.bob!.producers)).toEqual(['bob-mic']);
    expect(sfu.log.filter((r) => r.method === 'consume').at(-1)!.data).toMatchObject({ producerId: 'carl-cam' });
    expect(s.timeline.rejoinedAt).toBeGreaterThan(s.timeline.lostAt!);
  });

  it('falls back to a full rejoin when the server answers resume_failed', async () => {
    const sfu = resumingSfu();
    ({ session } = makeSession(sfu, { reconnectPolicy: FAST }));
    const s = session;
    await s.join('abc-defg-hij', 'Ann');
    await until(() => linkOf(s).consumers.size === 2, 'joined with media');
    const oldLink = linkOf(s);
    sfu.overrides.set('resume', () => {
      throw Object.assign(new Error('nothing to resume'), { code: 'resume_failed' });
    });
    sfu.socket!.serverClose(1006);
    await until(() => s.state.phase === 'joined' && s.state.rejoins === 1, 'rejoin');
    expect(sfu.methods().filter((m) => m === 'resume')).toHaveLength(1);
    expect(sfu.log.filter((r) => r.method === 'join')).toHaveLength(2);
    expect(s.state.selfPeerId).toBe('self-peer-2');
    expect(s.state.resumes).toBe(0);
    expect(oldLink.sendTransport.closed).toBe(true);
    expect(linkOf(s).resumeToken).toBe('token-2');
  });

  it('retries resume while the server is unreachable, then resumes', async () => {
    const sfu = resumingSfu();
    ({ session } = makeSession(sfu, { reconnectPolicy: FAST }));
    const s = session;
    await s.join('abc-defg-hij', 'Ann');
    await until(() => linkOf(s).consumers.size === 2, 'joined with media');
    const link = linkOf(s);
    sfu.overrides.set('resume', () => ({
      peerId: 'self-peer',
      roomId: 'abc-defg-hij',
      peers: structuredClone([bob]),
      producers: [link.micProducer.id, link.camProducer.id].map((id) => ({ id, peerId: 'self-peer', kind: 'audio', source: 'mic', paused: false })),
      transports: [link.sendTransport.id, link.recvTransport.id],
      consumers: [...link.consumers.keys()],
      resumeToken: 'token-next',
      iceServers: [],
    }));
    sfu.crash();
    await until(() => sfu.sockets.length >= 3, 'two failed attempts');
    expect(s.state.phase).toBe('reconnecting');
    sfu.down = false;
    await until(() => s.state.phase === 'joined', 'resumed');
    expect(s.state.resumes).toBe(1);
    expect(sfu.methods().filter((m) => m === 'join')).toHaveLength(1);
    expect([...link.consumers.values()].every((e) => !e.consumer.closed)).toBe(true);
  });

  it('shows another peer as reconnecting until it is back', async () => {
    const sfu = resumingSfu();
    ({ session } = makeSession(sfu, { reconnectPolicy: FAST }));
    const s = session;
    await s.join('abc-defg-hij', 'Ann');
    await until(() => s.state.peers.bob !== undefined, 'bob');
    sfu.notify('peerConnectionState', { peerId: 'bob', state: 'reconnecting' });
    expect(s.state.peers.bob!.reconnecting).toBe(true);
    sfu.notify('peerConnectionState', { peerId: 'bob', state: 'connected' });
    expect(s.state.peers.bob!.reconnecting).toBeUndefined();
  });
});
