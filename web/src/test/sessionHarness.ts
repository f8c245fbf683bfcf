// Builds a CallSession against FakeSfu with fake media, for the CallSession tests.
import { vi } from 'vitest';
import { Device, FakeHandler, testFakeParameters } from 'mediasoup-client';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { CallSession, type CallSessionDeps } from '../call/CallSession';
import type { ReconnectPolicy } from '../call/reconnectPolicy';
import { SignalingClient } from '../signaling/SignalingClient';
import type { ProducerInfo } from '../signaling/protocol';
import type { FakeSfu } from './FakeSfu';
import type { KeyValueStorage } from '../translation/languages';

class FakeStream {
  constructor(private readonly tracks: MediaStreamTrack[]) {}
  getTracks() {
    return [...this.tracks];
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
}

export function fakeGetUserMedia(opts: { failVideo?: boolean } = {}) {
  return vi.fn(async (c: MediaStreamConstraints) => {
    if (c.video && opts.failVideo) throw Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
    const tracks: MediaStreamTrack[] = [];
    if (c.audio) tracks.push(new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack);
    if (c.video) tracks.push(new FakeMediaStreamTrack({ kind: 'video' }) as unknown as MediaStreamTrack);
    return new FakeStream(tracks) as unknown as MediaStream;
  });
}

/** getDisplayMedia that gives one fake screen track, or fails with `fail` (e.g. NotAllowedError). */
export function fakeGetDisplayMedia(opts: { fail?: string } = {}) {
  const tracks: FakeMediaStreamTrack[] = [];
  const fn = vi.fn(async (_o: DisplayMediaStreamOptions) => {
    if (opts.fail) throw Object.assign(new Error(`${opts.fail}: the user said no`), { name: opts.fail });
    const track = new FakeMediaStreamTrack({ kind: 'video', label: 'screen:0:0' });
    tracks.push(track);
    return new FakeStream([track as unknown as MediaStreamTrack]) as unknown as MediaStream;
  });
  return Object.assign(fn, { tracks });
}

export interface SessionOptions {
  failVideo?: boolean;
  requestTimeoutMs?: number;
  reconnectPolicy?: ReconnectPolicy;
  /** Language settings: storage (none by default) and navigator.languages (["en-US"] by default). */
  storage?: KeyValueStorage;
  preferredLanguages?: string[];
  /** Further deps (screen capture, ICE settings) over the defaults. */
  deps?: Partial<CallSessionDeps>;
}

export function makeSession(sfu: FakeSfu, opts: SessionOptions = {}) {
  const getUserMedia = fakeGetUserMedia(opts);
  const deps: CallSessionDeps = {
    createSignaling: () =>
      new SignalingClient({ url: 'ws://test/ws', createSocket: sfu.createSocket, requestTimeoutMs: opts.requestTimeoutMs ?? 2000 }),
    createDevice: async () => new Device({ handlerFactory: FakeHandler.createFactory(testFakeParameters) }),
    getUserMedia,
    // Real time: the reconnect deadline is measured with it.
    now: () => performance.now(),
    reconnectPolicy: opts.reconnectPolicy,
    random: () => 0.5,
    translation: { storage: opts.storage, preferredLanguages: opts.preferredLanguages ?? ['en-US'] },
    ...opts.deps,
  };
  return { session: new CallSession(deps), getUserMedia };
}

export const bob = {
  id: 'bob',
  displayName: 'Bob',
  producers: [
    { id: 'bob-mic', peerId: 'bob', kind: 'audio', source: 'mic', paused: false },
    { id: 'bob-cam', peerId: 'bob', kind: 'video', source: 'webcam', paused: false },
  ] as ProducerInfo[],
};

/** Waits until the condition holds (the fake server answers on timers). */
export async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

