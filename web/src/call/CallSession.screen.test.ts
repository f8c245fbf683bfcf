import { afterEach, describe, expect, it } from 'vitest';
import type { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import type { CallSession } from './CallSession';
import { selectPeerMedia, selectScreens } from './callState';
import type { ReconnectPolicy } from './reconnectPolicy';
import { FakeSfu } from '../test/FakeSfu';
import { bob, fakeGetDisplayMedia, makeSession, until } from '../test/sessionHarness';
import type { ProducerInfo } from '../signaling/protocol';

const FAST: ReconnectPolicy = { initialDelayMs: 10, maxDelayMs: 40, giveUpAfterMs: 2000, jitter: 0 };

type LinkView = { link: { screenProducer: { id: string; closed: boolean; track: MediaStreamTrack | null } | undefined } };
const linkOf = (s: CallSession) => (s as unknown as LinkView).link;

const screenProduces = (sfu: FakeSfu) =>
  sfu.log.filter((r) => r.method === 'produce' && (r.data.appData as { source?: string } | undefined)?.source === 'screen');

async function sharingSession(sfu: FakeSfu, opts: { fail?: string } = {}) {
  const getDisplayMedia = fakeGetDisplayMedia(opts);
  const { session } = makeSession(sfu, { reconnectPolicy: FAST, deps: { getDisplayMedia } });
  await session.join('abc-defg-hij', 'Ann');
  return { session, getDisplayMedia };
}

describe('CallSession screen sharing', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('sends the screen as a second video producer with source "screen" and shows it as our preview', async () => {
    const sfu = new FakeSfu();
    const made = await sharingSession(sfu);
    const s = (session = made.session);
    expect(s.canShareScreen).toBe(true);

    await s.startScreenShare();
    expect(made.getDisplayMedia).toHaveBeenCalledTimes(1);
    expect(made.getDisplayMedia.mock.calls[0]![0]).toMatchObject({ video: expect.anything(), audio: false });
    const produced = screenProduces(sfu);
    expect(produced).toHaveLength(1);
    expect(produced[0]!.data.kind).toBe('video');
    const track = made.getDisplayMedia.tracks[0]!;
    expect(track.contentHint).toBe('detail');
    expect(s.state.local.screenTrack).toBe(track);
    expect(linkOf(s).screenProducer?.track).toBe(track);
    // Camera and microphone are untouched.
    expect(s.state.local).toMatchObject({ micOn: true, camOn: true });
    expect(selectScreens(s.state)).toEqual([
      { key: 'self', peerId: 'self-peer', displayName: 'Ann', isSelf: true, track, paused: false },
    ]);
  });

  it('stop closes the screen producer on the server and ends the capture', async () => {
    const sfu = new FakeSfu();
    const made = await sharingSession(sfu);
    const s = (session = made.session);
    await s.startScreenShare();
    const producer = linkOf(s).screenProducer!;

    await s.stopScreenShare();
    expect(sfu.log.filter((r) => r.method === 'closeProducer').map((r) => r.data)).toEqual([{ producerId: producer.id }]);
    expect(producer.closed).toBe(true);
    expect(made.getDisplayMedia.tracks[0]!.readyState).toBe('ended');
    expect(s.state.local.screenTrack).toBeUndefined();
    expect(linkOf(s).screenProducer).toBeUndefined();
    expect(selectScreens(s.state)).toEqual([]);
    // Sharing again works: a new capture and a new producer.
    await s.startScreenShare();
    expect(screenProduces(sfu)).toHaveLength(2);
    expect(made.getDisplayMedia).toHaveBeenCalledTimes(2);
  });

  it('stops when the browser ends the capture itself (its own "Stop sharing")', async () => {
    const sfu = new FakeSfu();
    const made = await sharingSession(sfu);
    const s = (session = made.session);
    await s.startScreenShare();
    const producerId = linkOf(s).screenProducer!.id;

    (made.getDisplayMedia.tracks[0] as FakeMediaStreamTrack).remoteStop();
    await until(() => sfu.methods().includes('closeProducer'), 'closeProducer after the track ended');
    expect(sfu.log.find((r) => r.method === 'closeProducer')!.data).toEqual({ producerId });
    expect(s.state.local.screenTrack).toBeUndefined();
  });

  it('closes a producer the server created after the user already stopped', async () => {
    const sfu = new FakeSfu();
    const made = await sharingSession(sfu);
    const s = (session = made.session);
    const starting = s.startScreenShare();
    await until(() => screenProduces(sfu).length === 1, 'screen produce request');
    await s.stopScreenShare();
    await starting;
    await until(() => sfu.methods().includes('closeProducer'), 'closeProducer of the late producer');
    expect(linkOf(s).screenProducer).toBeUndefined();
    expect(s.state.local.screenTrack).toBeUndefined();
  });

  it('treats a closed picker as no share, without an error', async () => {
    const sfu = new FakeSfu();
    const made = await sharingSession(sfu, { fail: 'NotAllowedError' });
    const s = (session = made.session);
    await s.startScreenShare();
    expect(s.state.local.screenTrack).toBeUndefined();
    expect(screenProduces(sfu)).toHaveLength(0);
    expect(s.state.errors).toEqual([]);
  });

  it('reports a capture that fails for another reason', async () => {
    const sfu = new FakeSfu();
    const made = await sharingSession(sfu, { fail: 'NotReadableError' });
    const s = (session = made.session);
    await s.startScreenShare();
    expect(s.state.local.screenTrack).toBeUndefined();
    expect(s.state.errors.at(-1)).toMatchObject({ code: 'screen_share_failed', fatal: false });
    expect(s.state.errors.at(-1)!.message).toContain('Could not share your screen');
  });

  it('offers no screen sharing without a capture API, or when the join does not allow publishing', async () => {
    const sfu = new FakeSfu();
    const { session: plain } = makeSession(sfu);
    session = plain;
    await plain.join('room', 'Ann');
    expect(plain.canShareScreen).toBe(false);
    await plain.startScreenShare();
    expect(screenProduces(sfu)).toHaveLength(0);
    await plain.leave();

    const sfu2 = new FakeSfu();
    sfu2.overrides.set('join', (d) => ({
      peerId: 'self-peer',
      roomId: d.roomId,
      peers: [],
      iceServers: [],
      permissions: { publish: false, subscribe: true, chat: true },
    }));
    const made = await sharingSession(sfu2);
    session = made.session;
    expect(made.session.canShareScreen).toBe(false);
    await made.session.startScreenShare();
    expect(made.getDisplayMedia).not.toHaveBeenCalled();
  });

  it('sends the screen again after a rejoin', async () => {
    const sfu = new FakeSfu();
    const made = await sharingSession(sfu);
    const s = (session = made.session);
    await s.startScreenShare();
    const first = linkOf(s).screenProducer!;
    sfu.crash();
    expect(first.closed).toBe(true);
    expect(s.state.local.screenTrack).toBeDefined();
    sfu.down = false;
    await until(() => s.state.phase === 'joined' && linkOf(s).screenProducer !== undefined, 'rejoin with the screen');
    expect(screenProduces(sfu)).toHaveLength(2);
    expect(linkOf(s).screenProducer!.track).toBe(made.getDisplayMedia.tracks[0]);
    expect(made.getDisplayMedia).toHaveBeenCalledTimes(1);
  });

  it('receives a remote screen as a tile of its own with the sharer\'s name, never as their camera', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob), { id: 'cid', displayName: 'Cid', producers: [] }];
    const { session: s } = makeSession(sfu);
    session = s;
    await s.join('room', 'Ann');
    const bobScreen: ProducerInfo = { id: 'bob-screen', peerId: 'bob', kind: 'video', source: 'screen', paused: false };
    const cidScreen: ProducerInfo = { id: 'cid-screen', peerId: 'cid', kind: 'video', source: 'screen', paused: false };
    for (const p of [bobScreen, cidScreen]) {
      sfu.knowProducer(p);
      sfu.notify('newProducer', p);
    }
    await until(() => selectScreens(s.state).every((v) => v.track !== undefined) && selectScreens(s.state).length === 2, 'screens consumed');
    const screens = selectScreens(s.state);
    expect(screens.map((v) => [v.key, v.peerId, v.displayName, v.isSelf])).toEqual([
      ['bob-screen', 'bob', 'Bob', false],
      ['cid-screen', 'cid', 'Cid', false],
    ]);
    const bobMedia = selectPeerMedia(s.state.peers.bob!);
    const bobCam = Object.values(s.state.peers.bob!.consumers).find((c) => c.producerId === 'bob-cam')!;
    expect(bobMedia.videoTrack).toBe(bobCam.track);
    // Cid shares a screen but has no camera: the camera tile stays off.
    expect(selectPeerMedia(s.state.peers.cid!)).toMatchObject({ camOff: true, videoTrack: undefined });
    const stats = await s.consumerStats();
    expect(stats.filter((r) => r.source === 'screen').map((r) => r.peerId).sort()).toEqual(['bob', 'cid']);

    sfu.notify('producerClosed', { producerId: 'bob-screen', peerId: 'bob' });
    expect(selectScreens(s.state).map((v) => v.key)).toEqual(['cid-screen']);
    expect((await s.consumerStats()).filter((r) => r.source === 'screen').map((r) => r.peerId)).toEqual(['cid']);
  });
});
