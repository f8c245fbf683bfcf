// Capturing the microphone and camera: the constraints we ask for, and the fallback that
// keeps one device when the other is missing or refused.
import { describeError } from './describeError';

/**
 * 1280x720 at 30 fps, as ideals: a camera that cannot do it still works. 720p because Chrome
 * sends only as many simulcast layers as the size allows (3 from 960x540 up, 2 for 640x480).
 */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};

export const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export type GetUserMedia = (constraints: MediaStreamConstraints) => Promise<MediaStream>;

/**
 * Microphone and camera in one stream, or whichever of the two works (the other is
 * reported through `warn`), or undefined when neither does.
 */
export async function acquireLocalMedia(
  gum: GetUserMedia,
  warn: (code: string, message: string) => void,
): Promise<MediaStream | undefined> {
  try {
    return await gum({ audio: AUDIO_CONSTRAINTS, video: CAMERA_CONSTRAINTS });
  } catch (both) {
    // One device may be missing or refused: try each alone so the other still works.
    const stream = new MediaStreamCtor();
    const [a, v] = await Promise.allSettled([gum({ audio: AUDIO_CONSTRAINTS }), gum({ video: CAMERA_CONSTRAINTS })]);
    if (a.status === 'fulfilled') a.value.getTracks().forEach((t) => stream.addTrack(t));
    else warn('mic_unavailable', `Microphone unavailable: ${describeError(a.reason)}`);
    if (v.status === 'fulfilled') v.value.getTracks().forEach((t) => stream.addTrack(t));
    else warn('camera_unavailable', `Camera unavailable: ${describeError(v.reason)}`);
    if (a.status === 'rejected' && v.status === 'rejected') {
      console.warn('[CallSession] getUserMedia failed', both);
      return undefined;
    }
    return stream;
  }
}

/** A track that still delivers media; an ended one cannot be sent again. */
export function live(track: MediaStreamTrack | undefined): MediaStreamTrack | undefined {
  return track && track.readyState !== 'ended' ? track : undefined;
}

/** MediaStream is a browser global; tests run where it may be absent. */
const MediaStreamCtor: { new (): MediaStream } =
  typeof MediaStream !== 'undefined'
    ? MediaStream
    : (class {
        private readonly tracks: MediaStreamTrack[] = [];
        addTrack(t: MediaStreamTrack) {
          this.tracks.push(t);
        }
        getTracks() {
          return [...this.tracks];
        }
        getAudioTracks() {
          return this.tracks.filter((t) => t.kind === 'audio');
        }
        getVideoTracks() {
          return this.tracks.filter((t) => t.kind === 'video');
        }
      } as unknown as { new (): MediaStream });
