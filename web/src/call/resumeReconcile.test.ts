import { describe, expect, it } from 'vitest';
import { callReducer, initialCallState, type CallState } from './callState';
import { missingOwnObjects, reconcileNotifications } from './resumeReconcile';
import type { PeerInfo, ProducerInfo, ResumeResponse } from '../signaling/protocol';

const mic = (peerId: string, paused = false): ProducerInfo => ({ id: `${peerId}-mic`, peerId, kind: 'audio', source: 'mic', paused });
const cam = (peerId: string, paused = false): ProducerInfo => ({ id: `${peerId}-cam`, peerId, kind: 'video', source: 'webcam', paused });

function stateWith(peers: PeerInfo[]): CallState {
  return callReducer(callReducer(initialCallState(), { type: 'connecting', roomId: 'r', displayName: 'Ann' }), {
    type: 'joined',
    selfPeerId: 'ann',
    peers,
  });
}

function response(peers: PeerInfo[], consumers: string[]): ResumeResponse {
  return { peerId: 'ann', roomId: 'r', peers, producers: [], transports: [], consumers, resumeToken: 't2', iceServers: [] };
}

describe('reconcileNotifications', () => {
  it('is empty when nothing changed while away', () => {
    const peers = [{ id: 'bob', displayName: 'Bob', producers: [mic('bob'), cam('bob')] }];
    const held = [
      { id: 'c1', producerId: 'bob-mic' },
      { id: 'c2', producerId: 'bob-cam' },
    ];
    expect(reconcileNotifications(stateWith(peers), held, new Set(['bob-mic', 'bob-cam']), response(peers, ['c1', 'c2']))).toEqual([]);
  });

  it('closes what went, announces what came, and updates paused and connection states', () => {
    const before = [
      { id: 'bob', displayName: 'Bob', producers: [mic('bob'), cam('bob')] },
      { id: 'dan', displayName: 'Dan', producers: [cam('dan')] },
    ];
    const held = [
      { id: 'c-bob-mic', producerId: 'bob-mic' },
      { id: 'c-bob-cam', producerId: 'bob-cam' },
      { id: 'c-dan-cam', producerId: 'dan-cam' },
    ];
    // Meanwhile: Bob closed his camera and muted, Dan left, Carl joined and is himself away.
    const now = [
      { id: 'ann', displayName: 'Ann', producers: [] },
      { id: 'bob', displayName: 'Bob', producers: [mic('bob', true)] },
      { id: 'carl', displayName: 'Carl', producers: [cam('carl')], reconnecting: true },
    ];
    const notes = reconcileNotifications(stateWith(before), held, new Set(['bob-mic', 'bob-cam', 'dan-cam']), response(now, ['c-bob-mic']));
    expect(notes).toEqual([
      { method: 'consumerClosed', data: { consumerId: 'c-bob-cam', producerId: 'bob-cam' } },
      { method: 'consumerClosed', data: { consumerId: 'c-dan-cam', producerId: 'dan-cam' } },
      { method: 'producerPaused', data: { producerId: 'bob-mic', peerId: 'bob' } },
      { method: 'producerClosed', data: { producerId: 'bob-cam', peerId: 'bob' } },
      { method: 'peerLeft', data: { peerId: 'dan' } },
      { method: 'peerJoined', data: { id: 'carl', displayName: 'Carl' } },
      { method: 'peerConnectionState', data: { peerId: 'carl', state: 'reconnecting' } },
      { method: 'newProducer', data: cam('carl') },
    ]);
  });

  it('announces a known producer again when its consume did not complete', () => {
    const peers = [{ id: 'bob', displayName: 'Bob', producers: [mic('bob'), cam('bob')] }];
    const notes = reconcileNotifications(stateWith(peers), [{ id: 'c1', producerId: 'bob-mic' }], new Set(['bob-mic']), response(peers, ['c1']));
    expect(notes).toEqual([{ method: 'newProducer', data: cam('bob') }]);
  });

  it('marks a peer back as connected when the server lists it so', () => {
    const peers = [{ id: 'bob', displayName: 'Bob', producers: [] }];
    const away = callReducer(stateWith(peers), { type: 'peerConnectionState', peerId: 'bob', reconnecting: true });
    expect(reconcileNotifications(away, [], new Set(), response(peers, []))).toEqual([
      { method: 'peerConnectionState', data: { peerId: 'bob', state: 'connected' } },
    ]);
  });
});

describe('missingOwnObjects', () => {
  it('lists our transports and producers the server no longer has', () => {
    const res = { ...response([], []), transports: ['t-send'], producers: [mic('ann')] };
    expect(missingOwnObjects({ transports: ['t-send', 't-recv'], producers: ['ann-mic', 'ann-cam'] }, res)).toEqual(['t-recv', 'ann-cam']);
    expect(missingOwnObjects({ transports: ['t-send'], producers: ['ann-mic'] }, res)).toEqual([]);
  });
});

describe('callReducer and resumption', () => {
  it('shows a peer as reconnecting and back, and ignores unknown peers', () => {
    const s = stateWith([{ id: 'bob', displayName: 'Bob', producers: [] }]);
    const away = callReducer(s, { type: 'peerConnectionState', peerId: 'bob', reconnecting: true });
    expect(away.peers.bob!.reconnecting).toBe(true);
    expect(callReducer(away, { type: 'peerConnectionState', peerId: 'bob', reconnecting: false }).peers.bob!.reconnecting).toBeUndefined();
    expect(callReducer(s, { type: 'peerConnectionState', peerId: 'nobody', reconnecting: true })).toBe(s);
  });

  it('takes the reconnecting flag from a join response', () => {
    const s = stateWith([{ id: 'bob', displayName: 'Bob', producers: [], reconnecting: true }]);
    expect(s.peers.bob!.reconnecting).toBe(true);
  });

  it('resumed ends reconnecting without touching peers, and keeps transport states while resuming', () => {
    let s = stateWith([{ id: 'bob', displayName: 'Bob', producers: [cam('bob')] }]);
    s = callReducer(s, { type: 'transportState', direction: 'recv', state: 'connected' });
    s = callReducer(s, { type: 'reconnecting', reason: 'socket closed', since: 1, resuming: true });
    expect(s.phase).toBe('reconnecting');
    expect(s.transports.recv).toBe('connected');
    const back = callReducer(s, { type: 'resumed' });
    expect(back.phase).toBe('joined');
    expect(back.resumes).toBe(1);
    expect(back.rejoins).toBe(0);
    expect(back.reconnect).toBeUndefined();
    expect(back.peers).toBe(s.peers);
    // Only from reconnecting.
    expect(callReducer(back, { type: 'resumed' })).toBe(back);
  });
});
