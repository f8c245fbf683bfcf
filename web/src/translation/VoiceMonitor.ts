// Measures each playing translated voice and decides which speakers' originals are ducked.
// The level meter is injected (WebAudio in the browser, a fake in tests).
import { DEFAULT_DUCKING, duckingStep, originalVolume, type DuckingOptions, type DuckingState } from './ducking';

export interface LevelMeter {
  /** Current RMS level, 0..1. */
  level(): number;
  close(): void;
}

export type CreateLevelMeter = (track: MediaStreamTrack) => LevelMeter | undefined;

export interface MonitoredVoice {
  consumerId: string;
  speakerPeerId: string;
  track: MediaStreamTrack;
}

export const VOICE_POLL_MS = 100;

type Listener = () => void;

export class VoiceMonitor {
  private readonly meters = new Map<string, { voice: MonitoredVoice; meter: LevelMeter | undefined }>();
  private state: DuckingState = {};
  /** speakerPeerId -> original volume; a new object only when a volume changes (for React). */
  private volumes: Readonly<Record<string, number>> = {};
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(
    private readonly createMeter: CreateLevelMeter | undefined,
    private readonly now: () => number,
    private readonly opts: DuckingOptions = DEFAULT_DUCKING,
  ) {}

  /** The translated voices playing now; meters are made and closed to match. */
  sync(voices: readonly MonitoredVoice[]): void {
    const wanted = new Map(voices.map((v) => [v.consumerId, v]));
    for (const [id, m] of this.meters) {
      if (wanted.get(id)?.track !== m.voice.track) {
        m.meter?.close();
        this.meters.delete(id);
      }
    }
    for (const [id, v] of wanted) {
      if (this.meters.has(id)) continue;
      let meter: LevelMeter | undefined;
      try {
        meter = this.createMeter?.(v.track);
      } catch (err) {
        console.warn('[VoiceMonitor] no level meter', err);
      }
      this.meters.set(id, { voice: v, meter });
    }
    if (this.meters.size > 0 && this.timer === undefined) {
      this.timer = setInterval(() => this.poll(), VOICE_POLL_MS);
    } else if (this.meters.size === 0) {
      this.stopTimer();
      this.poll();
    }
  }

  /** One measurement round (the timer calls it; tests may too). */
  poll(): void {
    const samples = [...this.meters.values()].map((m) => ({
      speakerPeerId: m.voice.speakerPeerId,
      level: m.meter ? safeLevel(m.meter) : 0,
    }));
    this.state = duckingStep(this.state, samples, this.now(), this.opts);
    const volumes: Record<string, number> = {};
    for (const id of Object.keys(this.state)) {
      const v = originalVolume(this.state, id, this.opts);
      if (v !== 1) volumes[id] = v;
    }
    if (!sameVolumes(volumes, this.volumes)) {
      this.volumes = volumes;
      for (const l of [...this.listeners]) l();
    }
  }

  /** Volume for a speaker's original audio (1 unless ducked). */
  volumeFor(speakerPeerId: string): number {
    return this.volumes[speakerPeerId] ?? 1;
  }

  getVolumes = (): Readonly<Record<string, number>> => this.volumes;

  subscribe = (l: Listener): (() => void) => {
    this.listeners.add(l);
    return () => {
      this.listeners.delete(l);
    };
  };

  /** Per speaker: last level, whether ducked, the original's volume (for test hooks). */
  snapshot(): Record<string, { level: number; ducked: boolean; originalVolume: number; metered: boolean }> {
    const out: Record<string, { level: number; ducked: boolean; originalVolume: number; metered: boolean }> = {};
    for (const m of this.meters.values()) {
      const id = m.voice.speakerPeerId;
      const s = this.state[id];
      out[id] = {
        level: s?.level ?? 0,
        ducked: s?.ducked ?? false,
        originalVolume: originalVolume(this.state, id, this.opts),
        metered: (out[id]?.metered ?? false) || m.meter !== undefined,
      };
    }
    return out;
  }

  close(): void {
    this.stopTimer();
    for (const m of this.meters.values()) m.meter?.close();
    this.meters.clear();
    this.state = {};
    if (Object.keys(this.volumes).length > 0) {
      this.volumes = {};
      for (const l of [...this.listeners]) l();
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function safeLevel(m: LevelMeter): number {
  try {
    const v = m.level();
    return Number.isFinite(v) ? v : 0;
  } catch {
    return 0;
  }
}

function sameVolumes(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
