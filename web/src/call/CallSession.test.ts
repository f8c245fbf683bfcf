import { afterEach, describe, expect, it } from 'vitest';
import type { CallSession } from './CallSession';
import { FakeSfu } from '../test/FakeSfu';
import { bob, makeSession, until } from '../test/sessionHarness';
import type { ProducerInfo } from '../signaling/protocol';

describe('CallSession', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('runs the protocol.md call flow: caps, join, two transports, produce mic+webcam, consume existing', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob)];
    const made = makeSession(sfu);
    session = made.session;
    await session.join('abc-defg-hij', 'Ann');

    const m = sfu.methods();
    expect(m.slice(0, 2)).toEqual(['getRouterRtpCapabilities', 'join']);
    const join = sfu.log[1]!.data;
    expect(join.roomId).toBe('abc-defg-hij');
    expect(join.displayName).toBe('Ann');
    expect((join.rtpCapabilities as { codecs: unknown[] }).codecs.length).toBeGreaterThan(0);

    const transports = sfu.log.filter((r) => r.method === 'createWebRtcTransport').map((r) => r.data.direction);
    expect(transports.sort()).toEqual(['recv', 'send']);
    expect(m.filter((x) => x === 'connectWebRtcTransport')).toHaveLength(2);

    const produced = sfu.log.filter((r) => r.method === 'produce').map((r) => [r.data.kind, (r.data.appData as { source: string }).source]);
    expect(produced.sort()).toEqual([['audio', 'mic'], ['video', 'webcam']]);

    const consumed = sfu.log.filter((r) => r.method === 'consume').map((r) => r.data.producerId);
    expect(consumed.sort()).toEqual(['bob-cam', 'bob-mic']);
    expect(m.filter((x) => x === 'resumeConsumer')).toHaveLength(2);
    // Each resumeConsumer follows its consume.
    const firstResume = m.indexOf('resumeConsumer');
    expect(firstResume).toBeGreaterThan(m.indexOf('consume'));

    const s = session.state;
    expect(s.phase).toBe('joined');
    expect(s.selfPeerId).toBe('self-peer');
    expect(s.local).toMatchObject({ micOn: true, camOn: true, micAvailable: true, camAvailable: true });
    expect(Object.values(s.peers.bob!.consumers).map((c) => c.kind).sort()).toEqual(['audio', 'video']);
    expect(session.timeline.joinedAt).toBeTypeOf('number');

    // The camera was asked for 1280x720@30 (ideal): three simulcast layers need 720p.
    const constraints = made.getUserMedia.mock.calls[0]![0];
    expect(constraints.video).toMatchObject({ width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } });
  });

  it('consumes a newProducer, shows pause/resume, and drops a closed consumer', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    sfu.notify('peerJoined', { id: 'cid', displayName: 'Cid' });
    const cam: ProducerInfo = { id: 'cid-cam', peerId: 'cid', kind: 'video', source: 'webcam', paused: false };
    sfu.knowProducer(cam);
    sfu.notify('newProducer', cam);
    await until(() => Object.keys(s.state.peers.cid?.consumers ?? {}).length === 1, 'consumer of cid-cam');
    await until(() => sfu.methods().includes('resumeConsumer'), 'resumeConsumer');
    const consumerId = Object.keys(s.state.peers.cid!.consumers)[0]!;

    sfu.notify('producerPaused', { producerId: 'cid-cam', peerId: 'cid' });
    expect(s.state.peers.cid!.producers['cid-cam']!.paused).toBe(true);
    sfu.notify('producerResumed', { producerId: 'cid-cam', peerId: 'cid' });
    expect(s.state.peers.cid!.producers['cid-cam']!.paused).toBe(false);

    sfu.notify('consumerClosed', { consumerId, producerId: 'cid-cam' });
    expect(s.state.peers.cid!.consumers[consumerId]).toBeUndefined();
    expect((await s.consumerStats()).length).toBe(0);
  });

  it('removes a peer and its consumers on peerLeft', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob)];
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    expect((await s.consumerStats()).map((r) => r.peerId)).toEqual(['bob', 'bob']);
    sfu.notify('peerLeft', { peerId: 'bob' });
    expect(s.state.peers.bob).toBeUndefined();
    expect(await s.consumerStats()).toEqual([]);
  });

  it('gives consumers distinct mids when the server sends none, and keeps a server mid', async () => {
    const mids = async (withServerMid: boolean) => {
      const sfu = new FakeSfu();
      sfu.existingPeers = [structuredClone(bob)];
      if (withServerMid) sfu.consumerMid = (n) => `srv${n}`;
      const { session: s } = makeSession(sfu);
      await s.join('room', 'Ann');
      const link = (s as unknown as { link: { consumers: Map<string, { consumer: { rtpParameters: { mid?: string } } }> } }).link;
      const consumers = link.consumers;
      const out = [...consumers.values()].map((e) => e.consumer.rtpParameters.mid);
      await s.leave();
      return out;
    };
    const local = await mids(false);
    expect(local).toHaveLength(2);
    expect(new Set(local).size).toBe(2);
    expect((await mids(true)).sort()).toEqual(['srv0', 'srv1']);
  });

  it('takes producerPaused from the consume response', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob)];
    sfu.pausedProducers.add('bob-cam');
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    expect(s.state.peers.bob!.producers['bob-cam']!.paused).toBe(true);
  });

  it('mic/camera toggles pause the producer and tell the server', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    await s.setCamEnabled(false);
    expect(s.state.local.camOn).toBe(false);
    const pause = sfu.log.find((r) => r.method === 'pauseProducer');
    expect(pause?.data.producerId).toMatch(/^prod-/);
    await s.setCamEnabled(true);
    expect(s.state.local.camOn).toBe(true);
    expect(sfu.log.find((r) => r.method === 'resumeProducer')?.data.producerId).toBe(pause?.data.producerId);
    await s.setMicEnabled(false);
    expect(s.state.local.micOn).toBe(false);
    expect(sfu.log.filter((r) => r.method === 'pauseProducer')).toHaveLength(2);
  });

  it('rolls a toggle back when the server refuses it, and shows why', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    sfu.overrides.set('pauseProducer', () => {
      throw Object.assign(new Error('no such producer'), { code: 'not_found' });
    });
    await s.setMicEnabled(false);
    expect(s.state.local.micOn).toBe(true);
    expect(s.state.errors.at(-1)?.message).toContain('not_found');
  });

  it('adds own chat messages from the response and others from notifications', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    expect(await s.sendChat('  hello  ')).toBe(true);
    expect(sfu.log.find((r) => r.method === 'chat')?.data).toEqual({ text: 'hello' });
    sfu.notify('chat', { id: 'x1', peerId: 'bob', displayName: 'Bob', text: 'hi Ann', timestamp: 5 });
    expect(s.state.chat.map((c) => [c.displayName, c.text, c.fromSelf])).toEqual([
      ['Ann', 'hello', true],
      ['Bob', 'hi Ann', false],
    ]);
    expect(await s.sendChat('   ')).toBe(false);
  });

  it('joins without a camera when there is none, and says so', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu, { failVideo: true });
    session = s;
    await s.join('room', 'Ann');
    expect(s.state.phase).toBe('joined');
    expect(s.state.local).toMatchObject({ micOn: true, camAvailable: false, camOn: false });
    expect(sfu.log.filter((r) => r.method === 'produce').map((r) => r.data.kind)).toEqual(['audio']);
    expect(s.state.errors.map((e) => e.code)).toContain('camera_unavailable');
  });

  it('fails the call with the server error when join is refused', async () => {
    const sfu = new FakeSfu();
    sfu.overrides.set('join', () => {
      throw Object.assign(new Error('data.roomId: bad'), { code: 'invalid_request' });
    });
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    expect(s.state.phase).toBe('failed');
    expect(s.state.errors.at(-1)).toMatchObject({ code: 'invalid_request', fatal: true });
    expect(s.state.errors.at(-1)!.message).toContain('data.roomId: bad');
  });

  it('fails with a timeout when the server never answers', async () => {
    const sfu = new FakeSfu();
    sfu.silent.add('getRouterRtpCapabilities');
    const { session: s } = makeSession(sfu, { requestTimeoutMs: 50 });
    session = s;
    await s.join('room', 'Ann');
    expect(s.state.phase).toBe('failed');
    expect(s.state.errors.at(-1)?.code).toBe('timeout');
  });

  it('a policy close (1008) ends the call; a leave does not', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    sfu.socket!.serverClose(1008, 'too many requests');
    expect(s.state.phase).toBe('failed');
    expect(s.state.errors.at(-1)?.message).toContain('The server closed the connection (code 1008: too many requests)');

    const sfu2 = new FakeSfu();
    const { session: s2 } = makeSession(sfu2);
    session = s2;
    await s2.join('room', 'Ann');
    await s2.leave();
    expect(sfu2.methods()).toContain('leave');
    expect(s2.state.phase).toBe('left');
    expect(s2.state.errors).toHaveLength(0);
  });

  it('does not consume a producer the server closed before consume finished', async () => {
    const sfu = new FakeSfu();
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    sfu.notify('peerJoined', { id: 'dee', displayName: 'Dee' });
    const mic: ProducerInfo = { id: 'dee-mic', peerId: 'dee', kind: 'audio', source: 'mic', paused: false };
    sfu.knowProducer(mic);
    sfu.notify('newProducer', mic);
    sfu.notify('producerClosed', { producerId: 'dee-mic', peerId: 'dee' });
    await new Promise((r) => setTimeout(r, 30));
    expect(s.state.peers.dee!.consumers).toEqual({});
    expect(await s.consumerStats()).toEqual([]);
  });
});
