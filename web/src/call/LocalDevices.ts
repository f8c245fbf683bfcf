// The devices of a call: the lists the settings panel offers (kept fresh on `devicechange`),
// switching microphone or camera mid-call (a fresh capture of that device, sent in place
// of the old track with producer.replaceTrack, so nobody sees the producer go away and a
// muted device stays muted), and the speaker the audio plays on (AudioSink's setSinkId).
import type { CallLink } from './CallLink';
import type { CallAction } from './callState';
import { describeError } from './describeError';
import {
  constraintsFor,
  groupDevices,
  loadDeviceChoice,
  saveDeviceChoice,
  type DeviceChoice,
  type DeviceLists,
  type KeyValueStore,
} from './devices';
import { AUDIO_CONSTRAINTS, CAMERA_CONSTRAINTS, type GetUserMedia } from './localMedia';

export interface LocalDevicesHost {
  link(): CallLink | undefined;
  /** The stream the call captured (undefined without one); a rejoin sends its tracks again. */
  localStream(): Promise<MediaStream | undefined>;
  getUserMedia: GetUserMedia;
  dispatch(action: CallAction): void;
  warn(code: string, message: string): void;
}

export type MediaDevicesLike = Pick<MediaDevices, 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;

export interface DevicesState {
  lists: DeviceLists;
  choice: DeviceChoice;
  /** The device ids the call's tracks capture now. */
  inUse: { microphoneId: string | undefined; cameraId: string | undefined };
  /** A switch is in progress (the panel disables its selects). */
  switching: boolean;
}

export class LocalDevices {
  private state: DevicesState;
  private readonly listeners = new Set<() => void>();
  private watching = false;
  private readonly onDeviceChange = () => void this.refresh();

  constructor(
    private readonly host: LocalDevicesHost,
    private readonly storage: KeyValueStore | undefined,
    private readonly media: MediaDevicesLike | undefined,
  ) {
    this.state = {
      lists: { microphones: [], cameras: [], speakers: [] },
      choice: loadDeviceChoice(storage),
      inUse: { microphoneId: undefined, cameraId: undefined },
      switching: false,
    };
  }

  readonly getState = (): DevicesState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The camera or mic producer of the current link (the camera's stats show the simulcast layers sent). */
  producer(kind: 'audio' | 'video') {
    const link = this.host.link();
    const p = kind === 'audio' ? link?.micProducer : link?.camProducer;
    return p && !p.closed ? p : undefined;
  }

  /** The remembered choice (for the first capture of a call). */
  get choice(): DeviceChoice {
    return this.state.choice;
  }

  /** Reads the device list now and again whenever devices are plugged or unplugged. */
  watch(): () => void {
    if (this.media && !this.watching) {
      this.watching = true;
      this.media.addEventListener('devicechange', this.onDeviceChange);
    }
    void this.refresh();
    return () => {
      if (!this.watching) return;
      this.watching = false;
      this.media?.removeEventListener('devicechange', this.onDeviceChange);
    };
  }

  async refresh(): Promise<void> {
    if (!this.media) return;
    try {
      const lists = groupDevices(await this.media.enumerateDevices());
      const stream = await this.host.localStream();
      this.set({
        lists,
        inUse: {
          microphoneId: stream?.getAudioTracks()[0]?.getSettings?.().deviceId,
          cameraId: stream?.getVideoTracks()[0]?.getSettings?.().deviceId,
        },
      });
    } catch (err) {
      console.warn('[LocalDevices] enumerateDevices failed:', describeError(err));
    }
  }

  selectMicrophone(deviceId: string): Promise<boolean> {
    return this.switchTrack('audio', deviceId);
  }

  selectCamera(deviceId: string): Promise<boolean> {
    return this.switchTrack('video', deviceId);
  }

  /** Remembered and applied by every AudioSink (HTMLMediaElement.setSinkId). */
  selectSpeaker(deviceId: string): void {
    this.remember({ speakerId: deviceId });
  }

  /**
   * Captures `deviceId` and sends it instead of the current track of that kind. The old
   * track is stopped only once the new one is sent, so a failed switch leaves the call as
   * it was. Returns whether the switch happened.
   */
  private async switchTrack(kind: 'audio' | 'video', deviceId: string): Promise<boolean> {
    if (this.state.switching) return false;
    const label = kind === 'audio' ? 'microphone' : 'camera';
    this.set({ switching: true });
    let fresh: MediaStreamTrack | undefined;
    try {
      const base = kind === 'audio' ? AUDIO_CONSTRAINTS : CAMERA_CONSTRAINTS;
      const captured = await this.host.getUserMedia({ [kind]: constraintsFor(base, deviceId, true) });
      fresh = kind === 'audio' ? captured.getAudioTracks()[0] : captured.getVideoTracks()[0];
      if (!fresh) throw new Error(`no ${label} track`);
      const stream = await this.host.localStream();
      const old = kind === 'audio' ? stream?.getAudioTracks()[0] : stream?.getVideoTracks()[0];
      const link = this.host.link();
      const producer = kind === 'audio' ? link?.micProducer : link?.camProducer;
      if (producer && !producer.closed) {
        // mediasoup-client keeps the producer's pause: a muted mic's new track starts disabled.
        await producer.replaceTrack({ track: fresh });
      } else if (old) {
        // Reconnecting (no producer now): the rejoin sends the new track in the old one's state.
        fresh.enabled = old.enabled;
      }
      if (stream) {
        if (old) stream.removeTrack(old);
        stream.addTrack(fresh);
      }
      old?.stop();
      if (kind === 'video') this.host.dispatch({ type: 'localMedia', patch: { videoTrack: fresh } });
      this.remember(kind === 'audio' ? { microphoneId: deviceId } : { cameraId: deviceId });
      this.set({ inUse: { ...this.state.inUse, [kind === 'audio' ? 'microphoneId' : 'cameraId']: deviceId } });
      return true;
    } catch (err) {
      fresh?.stop();
      this.host.warn('device_switch_failed', `Could not switch the ${label}: ${describeError(err)}`);
      return false;
    } finally {
      this.set({ switching: false });
    }
  }

  private remember(patch: DeviceChoice): void {
    const choice = { ...this.state.choice, ...patch };
    saveDeviceChoice(this.storage, choice);
    this.set({ choice });
  }

  private set(patch: Partial<DevicesState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}
