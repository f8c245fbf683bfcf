// Choosing the microphone, camera and speaker: the browser's device list grouped for the
// settings panel, the choice remembered across calls (localStorage), and the constraints
// that capture the chosen device. Pure functions; LocalDevices applies them to a call.
import type { GetUserMedia } from './localMedia';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

export interface DeviceLists {
  microphones: DeviceOption[];
  cameras: DeviceOption[];
  speakers: DeviceOption[];
}

/** The devices the user picked; undefined: the browser's default. */
export interface DeviceChoice {
  microphoneId?: string;
  cameraId?: string;
  speakerId?: string;
}

export const DEVICE_CHOICE_KEY = 'jb.devices';

export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

const KIND_LABEL: Record<MediaDeviceKind, string> = { audioinput: 'Microphone', videoinput: 'Camera', audiooutput: 'Speaker' };

/**
 * The enumerateDevices() list by kind. Without permission the browser hides labels (and
 * may give one entry with an empty id per kind), so unnamed devices get "Camera 2" and
 * id-less entries are dropped: they cannot be selected.
 */
export function groupDevices(list: ReadonlyArray<Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label'>>): DeviceLists {
  const out: DeviceLists = { microphones: [], cameras: [], speakers: [] };
  const target = { audioinput: out.microphones, videoinput: out.cameras, audiooutput: out.speakers } as const;
  for (const d of list) {
    const bucket = target[d.kind];
    if (!bucket || !d.deviceId || bucket.some((o) => o.deviceId === d.deviceId)) continue;
    bucket.push({ deviceId: d.deviceId, label: d.label || `${KIND_LABEL[d.kind]} ${bucket.length + 1}` });
  }
  return out;
}

export function loadDeviceChoice(storage: KeyValueStore | undefined): DeviceChoice {
  try {
    const raw = storage?.getItem(DEVICE_CHOICE_KEY);
    if (!raw) return {};
    const v = JSON.parse(raw) as Record<string, unknown>;
    const out: DeviceChoice = {};
    if (typeof v.microphoneId === 'string') out.microphoneId = v.microphoneId;
    if (typeof v.cameraId === 'string') out.cameraId = v.cameraId;
    if (typeof v.speakerId === 'string') out.speakerId = v.speakerId;
    return out;
  } catch {
    return {};
  }
}

export function saveDeviceChoice(storage: KeyValueStore | undefined, choice: DeviceChoice): void {
  try {
    storage?.setItem(DEVICE_CHOICE_KEY, JSON.stringify(choice));
  } catch {
    // Storage full or forbidden: the choice lasts for this call only.
  }
}

/**
 * `base` for one device. `exact` when the user just picked it (a different device would be
 * wrong); `ideal` for a remembered one, which may have been unplugged since.
 */
export function constraintsFor(base: MediaTrackConstraints, deviceId: string | undefined, exact: boolean): MediaTrackConstraints {
  if (!deviceId) return { ...base };
  return { ...base, deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

/**
 * getUserMedia that prefers the remembered devices for the first capture of a call; a
 * request that names a device itself is left alone.
 */
export function withPreferredDevices(gum: GetUserMedia, choice: () => DeviceChoice): GetUserMedia {
  return (c) => {
    const pick = choice();
    const adjust = (v: boolean | MediaTrackConstraints | undefined, id: string | undefined) => {
      if (!v || !id) return v;
      const base = v === true ? {} : v;
      return base.deviceId !== undefined ? base : constraintsFor(base, id, false);
    };
    const audio = adjust(c.audio, pick.microphoneId);
    const video = adjust(c.video, pick.cameraId);
    return gum({ ...c, ...(audio !== undefined ? { audio } : {}), ...(video !== undefined ? { video } : {}) });
  };
}

/** The option to show as selected: the chosen device if it is still there, else the first (the default). */
export function selectedId(options: readonly DeviceOption[], chosen: string | undefined, inUse?: string): string {
  if (chosen && options.some((o) => o.deviceId === chosen)) return chosen;
  if (inUse && options.some((o) => o.deviceId === inUse)) return inUse;
  return options[0]?.deviceId ?? '';
}
