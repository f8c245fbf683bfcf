import { describe, expect, it } from 'vitest';
import {
  callReducer,
  initialCallState,
  initials,
  selectPeerMedia,
  selectPeers,
  type CallAction,
  type CallState,
  type RemoteConsumer,
} from './callState';
import type { ProducerInfo } from '../signaling/protocol';

const track = (kind: string, id: string) => ({ kind, id }) as unknown as MediaStreamTrack;

function run(actions: CallAction[], from: CallState = initialCallState()): CallState {
  return actions.reduce(callReducer, from);
}

const micB: ProducerInfo = { id: 'pb-mic', peerId: 'b', kind: 'audio', source: 'mic', paused: false };
const camB: ProducerInfo = { id: 'pb-cam', peerId: 'b', kind: 'video', source: 'webcam', paused: false };
const camC: ProducerInfo = { id: 'pc-cam', peerId: 'c', kind: 'video', source: 'webcam', paused: true };

const consumer = (id: string, p: ProducerInfo): RemoteConsumer => ({
  id,
  producerId: p.id,
  peerId: p.peerId,
  kind: p.kind,
  source: p.source,
  track: track(p.kind, `t-${id}`),
});

const joined: CallAction[] = [
  { type: 'connecting', roomId: 'abc-defg-hij', displayName: 'Ann' },
  {
    type: 'joined',
    selfPeerId: 'a',
    peers: [
      { id: 'b', displayName: 'Bob', producers: [micB, camB] },
      { id: 'c', displayName: 'Cid', producers: [camC] },
    ],
  },
];

describe('callReducer', () => {
  it('join fills peers in order with their producers', () => {
    const s = run(joined);
    expect(s.phase).toBe('joined');
    expect(s.selfPeerId).toBe('a');
    expect(s.roomId).toBe('abc-defg-hij');
    expect(selectPeers(s).map((p) => p.displayName)).toEqual(['Bob', 'Cid']);
    expect(Object.keys(s.peers.b!.producers).sort()).toEqual(['pb-cam', 'pb-mic']);
    expect(s.peers.c!.producers['pc-cam']!.paused).toBe(true);
  });

  it('peerJoined appends a peer once; our own id is ignored', () => {
    const s = run([
      ...joined,
      { type: 'peerJoined', id: 'd', displayName: 'Dee' },
      { type: 'peerJoined', id: 'd', displayName: 'Dee' },
      { type: 'peerJoined', id: 'a', displayName: 'Ann' },
    ]);
    expect(s.peerOrder).toEqual(['b', 'c', 'd']);
  });

  it('peerLeft removes the peer, its producers and consumers', () => {
    const s = run([...joined, { type: 'consumerAdded', consumer: consumer('k1', camB) }, { type: 'peerLeft', peerId: 'b' }]);
    expect(s.peers.b).toBeUndefined();
    expect(s.peerOrder).toEqual(['c']);
  });

  it('newProducer adds to the right peer; a producer of our own is ignored', () => {
    const s = run([
      ...joined,
      { type: 'producerAdded', producer: { id: 'pc-mic', peerId: 'c', kind: 'audio', source: 'mic', paused: false } },
      { type: 'producerAdded', producer: { id: 'pa-mic', peerId: 'a', kind: 'audio', source: 'mic', paused: false } },
    ]);
    expect(Object.keys(s.peers.c!.producers).sort()).toEqual(['pc-cam', 'pc-mic']);
    expect(s.peers.a).toBeUndefined();
  });

  it('producerPaused/Resumed flips the muted and camera-off view', () => {
    let s = run([...joined, { type: 'consumerAdded', consumer: consumer('k-cam', camB) }, { type: 'consumerAdded', consumer: consumer('k-mic', micB) }]);
    expect(selectPeerMedia(s.peers.b!)).toMatchObject({ micMuted: false, camOff: false });
    s = run([{ type: 'producerPausedChanged', producerId: 'pb-mic', peerId: 'b', paused: true }], s);
    expect(selectPeerMedia(s.peers.b!)).toMatchObject({ micMuted: true, camOff: false });
    s = run([{ type: 'producerPausedChanged', producerId: 'pb-cam', peerId: 'b', paused: true }], s);
    expect(selectPeerMedia(s.peers.b!).camOff).toBe(true);
    s = run([{ type: 'producerPausedChanged', producerId: 'pb-cam', peerId: 'b', paused: false }], s);
    expect(selectPeerMedia(s.peers.b!).camOff).toBe(false);
  });

  it('returns the same state for a pause that changes nothing (no re-render)', () => {
    const s = run(joined);
    expect(callReducer(s, { type: 'producerPausedChanged', producerId: 'pb-mic', peerId: 'b', paused: false })).toBe(s);
    expect(callReducer(s, { type: 'producerPausedChanged', producerId: 'nope', peerId: 'b', paused: true })).toBe(s);
  });

  it('consumerClosed removes only that consumer; the tile falls back to camera-off', () => {
    let s = run([...joined, { type: 'consumerAdded', consumer: consumer('k-cam', camB) }, { type: 'consumerAdded', consumer: consumer('k-mic', micB) }]);
    s = run([{ type: 'consumerClosed', consumerId: 'k-cam' }], s);
    expect(Object.keys(s.peers.b!.consumers)).toEqual(['k-mic']);
    expect(selectPeerMedia(s.peers.b!)).toMatchObject({ camOff: true, micMuted: false });
    expect(selectPeerMedia(s.peers.b!).audioTracks.map((t) => t.id)).toEqual(['t-k-mic']);
  });

  it('producerClosed drops the producer and its consumer', () => {
    let s = run([...joined, { type: 'consumerAdded', consumer: consumer('k-cam', camB) }]);
    s = run([{ type: 'producerClosed', producerId: 'pb-cam', peerId: 'b' }], s);
    expect(s.peers.b!.producers['pb-cam']).toBeUndefined();
    expect(s.peers.b!.consumers['k-cam']).toBeUndefined();
  });

  it('ignores a consumer whose peer already left', () => {
    const s = run([...joined, { type: 'peerLeft', peerId: 'b' }]);
    expect(callReducer(s, { type: 'consumerAdded', consumer: consumer('k', camB) })).toBe(s);
  });

  it('a camera that is paused, absent, or not yet consumed shows as off', () => {
    const s = run(joined);
    expect(selectPeerMedia(s.peers.b!).camOff).toBe(true); // not consumed yet
    expect(selectPeerMedia(s.peers.c!)).toMatchObject({ camOff: true, micMuted: true }); // paused, no mic
  });

  it('keeps chat in order, drops duplicates, caps history', () => {
    const msg = (id: string) => ({ id, peerId: 'b', displayName: 'Bob', text: id, timestamp: 1, fromSelf: false });
    let s = run([...joined, { type: 'chatMessage', message: msg('1') }, { type: 'chatMessage', message: msg('2') }, { type: 'chatMessage', message: msg('1') }]);
    expect(s.chat.map((m) => m.id)).toEqual(['1', '2']);
    for (let i = 3; i < 600; i++) s = callReducer(s, { type: 'chatMessage', message: msg(String(i)) });
    expect(s.chat).toHaveLength(500);
    expect(s.chat[s.chat.length - 1]!.id).toBe('599');
  });

  it('a fatal error fails the call; a non-fatal one only shows; dismiss removes it', () => {
    let s = run([...joined, { type: 'error', code: 'consume_failed', message: 'x', fatal: false }]);
    expect(s.phase).toBe('joined');
    expect(s.errors).toHaveLength(1);
    s = run([{ type: 'dismissError', id: s.errors[0]!.id }], s);
    expect(s.errors).toHaveLength(0);
    s = run([{ type: 'error', code: 'closed', message: 'lost', fatal: true }], s);
    expect(s.phase).toBe('failed');
  });

  it('a rejoin keeps the old fatal error until joined, and keeps warnings raised while joining', () => {
    let s = run([...joined, { type: 'error', code: 'closed', message: 'lost', fatal: true }]);
    s = run([{ type: 'connecting', roomId: 'r', displayName: 'Ann' }, { type: 'error', code: 'camera_unavailable', message: 'no cam', fatal: false }], s);
    expect(s.errors.map((e) => e.code)).toEqual(['closed', 'camera_unavailable']);
    s = run([{ type: 'joined', selfPeerId: 'a', peers: [] }], s);
    expect(s.errors.map((e) => e.code)).toEqual(['camera_unavailable']);
  });

  it('repeats of one error collapse into one banner with a count; at most 3 are kept', () => {
    const e = (code: string): CallAction => ({ type: 'error', code, message: `m-${code}`, fatal: false });
    let s = run([...joined, e('x'), e('x'), e('x')]);
    expect(s.errors.map((x) => [x.code, x.count])).toEqual([['x', 3]]);
    s = run([e('a'), e('b'), e('c')], s);
    expect(s.errors.map((x) => x.code)).toEqual(['a', 'b', 'c']);
  });

  it('a fatal error after leaving keeps the left screen', () => {
    const s = run([...joined, { type: 'left' }, { type: 'error', code: 'closed', message: 'x', fatal: true }]);
    expect(s.phase).toBe('left');
  });

  it('leaving clears peers and local media', () => {
    const s = run([...joined, { type: 'localMedia', patch: { micOn: true, camOn: true, videoTrack: track('video', 'v') } }, { type: 'left' }]);
    expect(s.phase).toBe('left');
    expect(s.peerOrder).toEqual([]);
    expect(s.local).toMatchObject({ micOn: false, camOn: false, videoTrack: undefined });
  });

  it('notifications that raced ahead of the join response are kept', () => {
    const s = run([
      { type: 'connecting', roomId: 'r', displayName: 'Ann' },
      { type: 'peerJoined', id: 'z', displayName: 'Zed' },
      { type: 'joined', selfPeerId: 'a', peers: [{ id: 'b', displayName: 'Bob', producers: [] }] },
    ]);
    expect(s.peerOrder).toEqual(['b', 'z']);
  });

  it('reconnecting keeps the peers and their tracks, and counts attempts', () => {
    const before = run([...joined, { type: 'consumerAdded', consumer: consumer('k1', camB) }]);
    const s = run(
      [
        { type: 'reconnecting', reason: 'Lost the connection (code 1006)', since: 100 },
        { type: 'reconnectAttempt', attempt: 0, nextAttemptAt: 600 },
        { type: 'reconnectAttempt', attempt: 1, nextAttemptAt: undefined },
        { type: 'reconnectAttempt', attempt: 1, nextAttemptAt: 1600, lastError: 'closed' },
      ],
      before,
    );
    expect(s.phase).toBe('reconnecting');
    expect(s.peers).toBe(before.peers);
    expect(s.reconnect).toEqual({ reason: 'Lost the connection (code 1006)', since: 100, attempt: 1, nextAttemptAt: 1600, lastError: 'closed' });
    expect(s.transports).toEqual({ send: 'new', recv: 'new' });
  });

  it('a rejoin replaces every peer from before and clears the reconnect state', () => {
    const s = run([
      ...joined,
      { type: 'consumerAdded', consumer: consumer('k1', camB) },
      { type: 'localMedia', patch: { micOn: false, camOn: true } },
      { type: 'reconnecting', reason: 'x', since: 1 },
      { type: 'joined', rejoin: true, selfPeerId: 'a2', peers: [{ id: 'b2', displayName: 'Bob', producers: [micB] }] },
    ]);
    expect(s.phase).toBe('joined');
    expect(s.selfPeerId).toBe('a2');
    expect(s.peerOrder).toEqual(['b2']);
    expect(s.peers.b).toBeUndefined();
    expect(s.peers.b2!.consumers).toEqual({});
    expect(s.reconnect).toBeUndefined();
    expect(s.rejoins).toBe(1);
    expect(s.local.micOn).toBe(false);
  });

  it('reconnecting is ignored once the call is left or failed', () => {
    const left = run([...joined, { type: 'left' }]);
    expect(callReducer(left, { type: 'reconnecting', reason: 'x', since: 1 })).toBe(left);
  });
});

describe('initials', () => {
  it('takes first and last word initials', () => {
    expect(initials('ada lovelace')).toBe('AL');
    expect(initials('Bob')).toBe('B');
    expect(initials('  Jean  Luc  Picard ')).toBe('JP');
    expect(initials('')).toBe('?');
  });
});
