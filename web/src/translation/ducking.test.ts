import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DUCKING, duckingStep, originalVolume, rms, type DuckingState } from './ducking';
import { VOICE_POLL_MS, VoiceMonitor, type LevelMeter } from './VoiceMonitor';

const LOUD = 0.2;
const QUIET = 0.001;

describe('ducking', () => {
  it('ducks a speaker while their translation is audible and restores after a silence gap', () => {
    let s: DuckingState = {};
    s = duckingStep(s, [{ speakerPeerId: 'bob', level: QUIET }], 0);
    expect(originalVolume(s, 'bob')).toBe(1);
    s = duckingStep(s, [{ speakerPeerId: 'bob', level: LOUD }], 100);
    expect(originalVolume(s, 'bob')).toBe(DEFAULT_DUCKING.duckedVolume);
    // Short pauses between words do not bring the original back.
    s = duckingStep(s, [{ speakerPeerId: 'bob', level: QUIET }], 100 + DEFAULT_DUCKING.releaseMs - 1);
    expect(s.bob!.ducked).toBe(true);
    s = duckingStep(s, [{ speakerPeerId: 'bob', level: QUIET }], 100 + DEFAULT_DUCKING.releaseMs);
    expect(s.bob!.ducked).toBe(false);
    expect(originalVolume(s, 'bob')).toBe(1);
  });

  it('ducks only the speaker being translated, and forgets voices that stopped', () => {
    let s: DuckingState = {};
    s = duckingStep(s, [{ speakerPeerId: 'bob', level: LOUD }, { speakerPeerId: 'cid', level: QUIET }], 0);
    expect(originalVolume(s, 'bob')).toBe(0.2);
    expect(originalVolume(s, 'cid')).toBe(1);
    expect(originalVolume(s, 'dan')).toBe(1);
    s = duckingStep(s, [{ speakerPeerId: 'cid', level: QUIET }], 50);
    expect(s.bob).toBeUndefined();
    expect(originalVolume(s, 'bob')).toBe(1);
  });

  it('returns the same state when nothing changed', () => {
    const s = duckingStep({}, [{ speakerPeerId: 'bob', level: QUIET }], 0);
    expect(duckingStep(s, [{ speakerPeerId: 'bob', level: QUIET }], 10)).toBe(s);
  });

  it('measures RMS', () => {
    expect(rms([])).toBe(0);
    expect(rms([0.5, -0.5, 0.5, -0.5])).toBeCloseTo(0.5);
  });
});

describe('VoiceMonitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls each translated voice and reports the original volume per speaker', () => {
    let level = QUIET;
    const closed: string[] = [];
    const meter = (id: string): LevelMeter => ({ level: () => level, close: () => void closed.push(id) });
    const monitor = new VoiceMonitor((t) => meter(t.id), () => Date.now());
    const changes = vi.fn();
    monitor.subscribe(changes);
    const track = { id: 't1' } as MediaStreamTrack;
    monitor.sync([{ consumerId: 'c1', speakerPeerId: 'bob', track }]);

    vi.advanceTimersByTime(VOICE_POLL_MS);
    expect(monitor.volumeFor('bob')).toBe(1);
    level = LOUD;
    vi.advanceTimersByTime(VOICE_POLL_MS);
    expect(monitor.volumeFor('bob')).toBe(0.2);
    expect(monitor.snapshot().bob).toMatchObject({ ducked: true, originalVolume: 0.2, metered: true, level: LOUD });
    expect(changes).toHaveBeenCalledTimes(1);
    level = QUIET;
    vi.advanceTimersByTime(DEFAULT_DUCKING.releaseMs + VOICE_POLL_MS);
    expect(monitor.volumeFor('bob')).toBe(1);
    expect(changes).toHaveBeenCalledTimes(2);

    // The voice goes (paused or closed): its meter closes and the original is not ducked.
    level = LOUD;
    vi.advanceTimersByTime(VOICE_POLL_MS);
    expect(monitor.volumeFor('bob')).toBe(0.2);
    monitor.sync([]);
    expect(closed).toEqual(['t1']);
    expect(monitor.volumeFor('bob')).toBe(1);
    monitor.close();
  });
});
