import { describe, expect, it, vi } from 'vitest';
import {
  ActiveSpeakerTracker,
  LEVELS_STALE_MS,
  initialSpeakerState,
  levelIntensity,
  selectSpeaker,
  speakerReducer,
  type SpeakerState,
} from './activeSpeaker';

function apply(...actions: Parameters<typeof speakerReducer>[1][]): SpeakerState {
  return actions.reduce(speakerReducer, initialSpeakerState());
}

describe('speakerReducer', () => {
  it('follows the dominant speaker and clears it on null', () => {
    let s = apply({ type: 'activeSpeaker', peerId: 'ann' });
    expect(selectSpeaker(s, 'ann').dominant).toBe(true);
    expect(selectSpeaker(s, 'bob').dominant).toBe(false);
    s = speakerReducer(s, { type: 'activeSpeaker', peerId: null });
    expect(s.dominant).toBeUndefined();
  });

  it('keeps the same object when nothing changed (no re-render)', () => {
    const s = apply({ type: 'activeSpeaker', peerId: 'ann' });
    expect(speakerReducer(s, { type: 'activeSpeaker', peerId: 'ann' })).toBe(s);
    const l = speakerReducer(s, { type: 'audioLevels', levels: [{ peerId: 'ann', level: -30 }], at: 5 });
    expect(speakerReducer(l, { type: 'audioLevels', levels: [{ peerId: 'ann', level: -30 }], at: 5 })).toBe(l);
  });

  it('replaces the speaking set with each update and skips malformed entries', () => {
    let s = apply({ type: 'audioLevels', levels: [{ peerId: 'ann', level: -30 }, { peerId: 'bob', level: -20 }], at: 0 });
    expect(selectSpeaker(s, 'ann').speaking).toBe(true);
    expect(selectSpeaker(s, 'bob').speaking).toBe(true);
    const bad = [{ peerId: 'cid', level: Number.NaN }, { peerId: 7, level: -3 }, null] as unknown as { peerId: string; level: number }[];
    s = speakerReducer(s, { type: 'audioLevels', levels: [{ peerId: 'bob', level: 40 }, ...bad], at: 250 });
    expect(selectSpeaker(s, 'ann').speaking).toBe(false);
    expect(s.levels).toEqual({ bob: 0 }); // clamped to 0 dBov
  });

  it('forgets levels that went stale and a peer that left', () => {
    let s = apply({ type: 'activeSpeaker', peerId: 'ann' }, { type: 'audioLevels', levels: [{ peerId: 'ann', level: -30 }], at: 1000 });
    expect(speakerReducer(s, { type: 'expire', now: 1000 + LEVELS_STALE_MS - 1 })).toBe(s);
    expect(speakerReducer(s, { type: 'expire', now: 1000 + LEVELS_STALE_MS }).levels).toEqual({});
    s = speakerReducer(s, { type: 'peerLeft', peerId: 'ann' });
    expect(s.dominant).toBeUndefined();
    expect(s.levels).toEqual({});
  });

  it('maps speech levels onto the bar intensity', () => {
    expect(levelIntensity(-10)).toBe(1);
    expect(levelIntensity(-30)).toBe(0.5);
    expect(levelIntensity(-127)).toBe(0.15);
    expect(selectSpeaker(initialSpeakerState(), 'x').intensity).toBe(0);
  });
});

describe('ActiveSpeakerTracker', () => {
  it('handles only its notifications and expires levels on its own', () => {
    vi.useFakeTimers();
    let now = 0;
    const t = new ActiveSpeakerTracker(() => now);
    expect(t.onNotification({ method: 'chat', data: {} })).toBe(false);
    expect(t.onNotification({ method: 'activeSpeaker', data: { peerId: 'ann' } })).toBe(true);
    expect(t.onNotification({ method: 'audioLevels', data: { levels: [{ peerId: 'ann', level: -25 }] } })).toBe(true);
    expect(t.store.getState().dominant).toBe('ann');
    expect(selectSpeaker(t.store.getState(), 'ann').speaking).toBe(true);
    // A malformed activeSpeaker is read as "nobody", not trusted.
    t.onNotification({ method: 'activeSpeaker', data: { peerId: 42 } });
    expect(t.store.getState().dominant).toBeUndefined();
    now = LEVELS_STALE_MS + 1;
    vi.advanceTimersByTime(LEVELS_STALE_MS);
    expect(selectSpeaker(t.store.getState(), 'ann').speaking).toBe(false);
    t.close();
    vi.useRealTimers();
  });
});
