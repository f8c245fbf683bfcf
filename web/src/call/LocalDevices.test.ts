import { describe, expect, it, vi } from 'vitest';
import type { CallLink } from './CallLink';
import type { CallAction } from './callState';
import { DEVICE_CHOICE_KEY } from './devices';
import { LocalDevices } from './LocalDevices';

class Track {
  enabled = true;
  readyState: MediaStreamTrackState = 'live';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string,
  ) {}
  stop() {
    this.readyState = 'ended';
  }
  getSettings() {
    return { deviceId: this.deviceId };
  }
}

class Stream {
  constructor(public tracks: Track[]) {}
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(t: Track) {
    this.tracks.push(t);
  }
  removeTrack(t: Track) {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}

function memory(): Storage {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) } as Storage;
}

function setup(opts: { producer?: boolean; failCapture?: boolean } = {}) {
  const mic = new Track('audio', 'm0');
  const cam = new Track('video', 'c0');
  const stream = new Stream([mic, cam]);
  const producer = { closed: false, track: mic as Track, replaceTrack: vi.fn(async ({ track }: { track: Track }) => void (producer.track = track)) };
  const camProducer = { closed: false, track: cam as Track, replaceTrack: vi.fn(async ({ track }: { track: Track }) => void (camProducer.track = track)) };
  const link = opts.producer === false ? undefined : ({ micProducer: producer, camProducer } as unknown as CallLink);
  const actions: CallAction[] = [];
  const warnings: string[] = [];
  const gum = vi.fn(async (c: MediaStreamConstraints) => {
    if (opts.failCapture) throw Object.assign(new Error('Could not start audio source'), { name: 'NotReadableError' });
    const kind = c.audio ? 'audio' : 'video';
    const id = ((c.audio ?? c.video) as { deviceId: { exact: string } }).deviceId.exact;
    return new Stream([new Track(kind, id)]) as unknown as MediaStream;
  });
  const storage = memory();
  const devices = new LocalDevices(
    {
      link: () => link,
      localStream: async () => stream as unknown as MediaStream,
      getUserMedia: gum,
      dispatch: (a) => actions.push(a),
      warn: (code, message) => warnings.push(`${code}: ${message}`),
    },
    storage,
    undefined,
  );
  return { devices, stream, mic, cam, producer, camProducer, gum, actions, warnings, storage };
}

describe('LocalDevices', () => {
  it('switches the microphone: exact capture, replaceTrack, old track stopped, choice remembered', async () => {
    const { devices, stream, mic, producer, gum, storage } = setup();
    expect(await devices.selectMicrophone('m2')).toBe(true);
    expect(gum.mock.calls[0]![0].audio).toMatchObject({ deviceId: { exact: 'm2' }, echoCancellation: true });
    expect(producer.replaceTrack).toHaveBeenCalledTimes(1);
    expect(producer.track.deviceId).toBe('m2');
    expect(mic.readyState).toBe('ended');
    expect(stream.getAudioTracks().map((t) => t.deviceId)).toEqual(['m2']);
    expect(JSON.parse(storage.getItem(DEVICE_CHOICE_KEY)!)).toEqual({ microphoneId: 'm2' });
    expect(devices.getState()).toMatchObject({ switching: false, inUse: { microphoneId: 'm2' }, choice: { microphoneId: 'm2' } });
  });

  it('switches the camera and shows the new track as our preview', async () => {
    const { devices, cam, camProducer, actions } = setup();
    await devices.selectCamera('c1');
    expect(camProducer.track.deviceId).toBe('c1');
    expect(cam.readyState).toBe('ended');
    expect(actions).toEqual([{ type: 'localMedia', patch: { videoTrack: camProducer.track } }]);
  });

  it('while reconnecting (no producer) keeps the new track in the stream, muted like the old one', async () => {
    const { devices, stream, mic } = setup({ producer: false });
    mic.enabled = false;
    await devices.selectMicrophone('m2');
    const now = stream.getAudioTracks()[0]!;
    expect(now.deviceId).toBe('m2');
    expect(now.enabled).toBe(false);
  });

  it('leaves the call as it was when the device cannot be opened, and says so', async () => {
    const { devices, stream, mic, producer, warnings } = setup({ failCapture: true });
    expect(await devices.selectMicrophone('m2')).toBe(false);
    expect(producer.replaceTrack).not.toHaveBeenCalled();
    expect(mic.readyState).toBe('live');
    expect(stream.getAudioTracks()).toEqual([mic]);
    expect(warnings[0]).toMatch(/^device_switch_failed: Could not switch the microphone/);
    expect(devices.getState().switching).toBe(false);
  });

  it('remembers the speaker without capturing anything', () => {
    const { devices, gum, storage } = setup();
    devices.selectSpeaker('s1');
    expect(gum).not.toHaveBeenCalled();
    expect(devices.getState().choice.speakerId).toBe('s1');
    expect(JSON.parse(storage.getItem(DEVICE_CHOICE_KEY)!)).toEqual({ speakerId: 's1' });
  });
});
