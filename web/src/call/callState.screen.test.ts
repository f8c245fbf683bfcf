import { describe, expect, it } from 'vitest';
import { callReducer, initialCallState, selectPeerMedia, selectScreens, type CallAction, type CallState } from './callState';
import type { ProducerInfo } from '../signaling/protocol';

const track = (id: string) => ({ kind: 'video', id }) as unknown as MediaStreamTrack;
const run = (actions: CallAction[], from: CallState = initialCallState()) => actions.reduce(callReducer, from);

const screenB: ProducerInfo = { id: 'pb-screen', peerId: 'b', kind: 'video', source: 'screen', paused: false };
const camB: ProducerInfo = { id: 'pb-cam', peerId: 'b', kind: 'video', source: 'webcam', paused: false };

const joined: CallAction[] = [
  { type: 'connecting', roomId: 'r', displayName: 'Ann' },
  { type: 'joined', selfPeerId: 'a', peers: [{ id: 'b', displayName: 'Bea', producers: [screenB] }] },
];

describe('callState: screens', () => {
  it('lists a remote screen with its sharer\'s name before it is consumed, then with its track', () => {
    const s1 = run(joined);
    expect(selectScreens(s1)).toEqual([
      { key: 'pb-screen', peerId: 'b', displayName: 'Bea', isSelf: false, track: undefined, paused: false },
    ]);
    const t = track('ts');
    const s2 = run(
      [{ type: 'consumerAdded', consumer: { id: 'c1', producerId: 'pb-screen', peerId: 'b', kind: 'video', source: 'screen', track: t } }],
      s1,
    );
    expect(selectScreens(s2)[0]!.track).toBe(t);
    // A screen is not a camera: Bea has none.
    expect(selectPeerMedia(s2.peers.b!)).toMatchObject({ camOff: true, videoTrack: undefined });
  });

  it('keeps the camera as the camera when a screen is shared too', () => {
    const cam = track('tc');
    const s = run([
      ...joined,
      { type: 'producerAdded', producer: camB },
      { type: 'consumerAdded', consumer: { id: 'c1', producerId: 'pb-screen', peerId: 'b', kind: 'video', source: 'screen', track: track('ts') } },
      { type: 'consumerAdded', consumer: { id: 'c2', producerId: 'pb-cam', peerId: 'b', kind: 'video', source: 'webcam', track: cam } },
    ]);
    expect(selectPeerMedia(s.peers.b!)).toMatchObject({ camOff: false, videoTrack: cam });
  });

  it('adds our own screen last, and drops screens that close or leave', () => {
    const own = track('own');
    const s = run([...joined, { type: 'localMedia', patch: { screenTrack: own } }]);
    expect(selectScreens(s).map((v) => [v.key, v.isSelf, v.displayName])).toEqual([
      ['pb-screen', false, 'Bea'],
      ['self', true, 'Ann'],
    ]);
    const closed = run([{ type: 'producerClosed', producerId: 'pb-screen', peerId: 'b' }], s);
    expect(selectScreens(closed).map((v) => v.key)).toEqual(['self']);
    const left = run([{ type: 'left' }], closed);
    expect(left.local.screenTrack).toBeUndefined();
    expect(selectScreens(left)).toEqual([]);
  });

  it('clearErrors removes every error of one code and nothing else', () => {
    const s = run([
      ...joined,
      { type: 'error', code: 'media_connect_failed', message: 'no media', fatal: false },
      { type: 'error', code: 'camera_unavailable', message: 'no camera', fatal: false },
    ]);
    const cleared = run([{ type: 'clearErrors', code: 'media_connect_failed' }], s);
    expect(cleared.errors.map((e) => e.code)).toEqual(['camera_unavailable']);
    expect(run([{ type: 'clearErrors', code: 'media_connect_failed' }], cleared)).toBe(cleared);
  });
});
