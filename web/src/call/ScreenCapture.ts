// Capturing the screen for sharing (getDisplayMedia) and noticing its end, whichever way it
// comes: our own stop control, or the browser's "Stop sharing" bar, which ends the track.
// Sending it is CallSession's job; this only owns the captured track.
import { describeError } from './describeError';

export type GetDisplayMedia = (options: DisplayMediaStreamOptions) => Promise<MediaStream>;

/** Screens change little between frames; text stays sharp at a modest frame rate. */
export const SCREEN_CONSTRAINTS: DisplayMediaStreamOptions = {
  video: { frameRate: { ideal: 15, max: 30 } },
  audio: false,
};

export type CaptureResult =
  | { kind: 'started'; track: MediaStreamTrack }
  /** The user closed the picker or said no: nothing to report. */
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string };

export class ScreenCapture {
  private current: MediaStreamTrack | undefined;
  private pending = false;
  private detach: (() => void) | undefined;

  constructor(private readonly getDisplayMedia: GetDisplayMedia | undefined) {}

  /** The browser can capture a screen at all. */
  get supported(): boolean {
    return this.getDisplayMedia !== undefined;
  }

  /** The screen being shared now. */
  get track(): MediaStreamTrack | undefined {
    return this.current;
  }

  /** A capture is being asked for or runs. */
  get busy(): boolean {
    return this.pending || this.current !== undefined;
  }

  /** Asks the browser for a screen. `ended` runs once if the browser stops the capture itself. */
  async start(ended: () => void): Promise<CaptureResult> {
    if (!this.getDisplayMedia || this.busy) return { kind: 'cancelled' };
    this.pending = true;
    let stream: MediaStream;
    try {
      stream = await this.getDisplayMedia(SCREEN_CONSTRAINTS);
    } catch (err) {
      const name = (err as { name?: unknown } | undefined)?.name;
      if (name === 'NotAllowedError' || name === 'AbortError') return { kind: 'cancelled' };
      return { kind: 'failed', message: describeError(err) };
    } finally {
      this.pending = false;
    }
    const [track, ...rest] = stream.getVideoTracks();
    // Only video is shared; anything else the browser added is let go at once.
    for (const t of [...rest, ...stream.getAudioTracks()]) t.stop();
    if (!track || track.readyState === 'ended') return { kind: 'failed', message: 'the browser gave no screen video' };
    // Tells the encoder to keep detail (text) rather than motion.
    try {
      track.contentHint = 'detail';
    } catch {
      // Not settable everywhere; only a hint.
    }
    this.current = track;
    const onEnded = () => {
      if (this.current === track) ended();
    };
    track.addEventListener('ended', onEnded);
    this.detach = () => track.removeEventListener('ended', onEnded);
    return { kind: 'started', track };
  }

  /** Stops the capture. Returns the track that was shared, or undefined when none was. */
  stop(): MediaStreamTrack | undefined {
    const track = this.current;
    if (!track) return undefined;
    this.current = undefined;
    this.detach?.();
    this.detach = undefined;
    track.stop();
    return track;
  }
}
