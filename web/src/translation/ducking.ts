// Ducking: while a translated voice for speaker S is audible, S's own voice is played
// quietly underneath it, and comes back after a short silence. Pure; levels and time
// are passed in.

export interface DuckingOptions {
  /** RMS level (0..1) above which the translated voice counts as audible. */
  threshold: number;
  /** Silence this long (ms) after the last audible sample ends the ducking. */
  releaseMs: number;
  /** The original's volume while ducked. */
  duckedVolume: number;
}

export const DEFAULT_DUCKING: DuckingOptions = { threshold: 0.01, releaseMs: 700, duckedVolume: 0.2 };

export interface SpeakerDucking {
  /** Last measured level of the speaker's translated voice. */
  level: number;
  /** Local clock of the last audible sample. */
  lastAudibleAt: number | undefined;
  ducked: boolean;
}

export type DuckingState = Readonly<Record<string, SpeakerDucking>>;

export interface LevelSample {
  speakerPeerId: string;
  level: number;
}

/**
 * One measurement round. `samples` holds every translated voice playing now (several for
 * one speaker take the loudest); speakers without a sample are no longer ducked.
 * Returns the same object when nothing changed.
 */
export function duckingStep(
  state: DuckingState,
  samples: readonly LevelSample[],
  now: number,
  opts: DuckingOptions = DEFAULT_DUCKING,
): DuckingState {
  const levels = new Map<string, number>();
  for (const s of samples) levels.set(s.speakerPeerId, Math.max(levels.get(s.speakerPeerId) ?? 0, s.level));
  const next: Record<string, SpeakerDucking> = {};
  let changed = Object.keys(state).some((id) => !levels.has(id));
  for (const [id, level] of levels) {
    const prev = state[id];
    const lastAudibleAt = level >= opts.threshold ? now : prev?.lastAudibleAt;
    const ducked = lastAudibleAt !== undefined && now - lastAudibleAt < opts.releaseMs;
    const same = prev !== undefined && prev.level === level && prev.lastAudibleAt === lastAudibleAt && prev.ducked === ducked;
    if (!same) changed = true;
    next[id] = same ? prev : { level, lastAudibleAt, ducked };
  }
  return changed ? next : state;
}

/** The volume for speaker S's original audio. */
export function originalVolume(state: DuckingState, speakerPeerId: string, opts: DuckingOptions = DEFAULT_DUCKING): number {
  return state[speakerPeerId]?.ducked ? opts.duckedVolume : 1;
}

/** Root mean square of time-domain samples in -1..1. */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    sum += v * v;
  }
  return Math.sqrt(sum / samples.length);
}
