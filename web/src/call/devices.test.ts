import { describe, expect, it, vi } from 'vitest';
import {
  DEVICE_CHOICE_KEY,
  constraintsFor,
  groupDevices,
  loadDeviceChoice,
  saveDeviceChoice,
  selectedId,
  withPreferredDevices,
} from './devices';

function memory(): Storage {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
  } as Storage;
}

describe('groupDevices', () => {
  it('groups by kind, names unnamed devices and drops entries without an id', () => {
    const lists = groupDevices([
      { kind: 'audioinput', deviceId: 'default', label: 'Fake Default Audio Input' },
      { kind: 'audioinput', deviceId: 'm1', label: '' },
      { kind: 'videoinput', deviceId: 'c1', label: 'fake_device_0' },
      { kind: 'audiooutput', deviceId: '', label: '' },
      { kind: 'audiooutput', deviceId: 's1', label: 'Speakers' },
      { kind: 'audioinput', deviceId: 'm1', label: 'duplicate' },
    ]);
    expect(lists.microphones).toEqual([
      { deviceId: 'default', label: 'Fake Default Audio Input' },
      { deviceId: 'm1', label: 'Microphone 2' },
    ]);
    expect(lists.cameras).toEqual([{ deviceId: 'c1', label: 'fake_device_0' }]);
    expect(lists.speakers).toEqual([{ deviceId: 's1', label: 'Speakers' }]);
  });
});

describe('device choice storage', () => {
  it('round-trips and ignores junk', () => {
    const s = memory();
    expect(loadDeviceChoice(s)).toEqual({});
    saveDeviceChoice(s, { microphoneId: 'm1', speakerId: 's2' });
    expect(loadDeviceChoice(s)).toEqual({ microphoneId: 'm1', speakerId: 's2' });
    s.setItem(DEVICE_CHOICE_KEY, '{"cameraId": 5, "microphoneId": "x"}');
    expect(loadDeviceChoice(s)).toEqual({ microphoneId: 'x' });
    s.setItem(DEVICE_CHOICE_KEY, 'not json');
    expect(loadDeviceChoice(s)).toEqual({});
    expect(loadDeviceChoice(undefined)).toEqual({});
  });
});

describe('constraints', () => {
  it('asks for exactly the device just picked and ideally the remembered one', () => {
    expect(constraintsFor({ width: { ideal: 1280 } }, 'c2', true)).toEqual({ width: { ideal: 1280 }, deviceId: { exact: 'c2' } });
    expect(constraintsFor({}, 'c2', false)).toEqual({ deviceId: { ideal: 'c2' } });
    expect(constraintsFor({ echoCancellation: true }, undefined, true)).toEqual({ echoCancellation: true });
  });

  it('adds the remembered devices to the first capture, leaving an explicit device alone', async () => {
    const gum = vi.fn(async (_c: MediaStreamConstraints) => ({}) as MediaStream);
    const wrapped = withPreferredDevices(gum, () => ({ microphoneId: 'm2', cameraId: 'c3' }));
    await wrapped({ audio: { echoCancellation: true }, video: true });
    expect(gum.mock.calls[0]![0]).toEqual({
      audio: { echoCancellation: true, deviceId: { ideal: 'm2' } },
      video: { deviceId: { ideal: 'c3' } },
    });
    await wrapped({ video: { deviceId: { exact: 'other' } } });
    expect(gum.mock.calls[1]![0]).toEqual({ video: { deviceId: { exact: 'other' } } });
    await wrapped({ audio: true });
    expect(gum.mock.calls[2]![0]).toEqual({ audio: { deviceId: { ideal: 'm2' } } });
  });
});

describe('selectedId', () => {
  const opts = [
    { deviceId: 'default', label: 'Default' },
    { deviceId: 'm1', label: 'One' },
  ];
  it('shows the chosen device, else the one in use, else the first', () => {
    expect(selectedId(opts, 'm1')).toBe('m1');
    expect(selectedId(opts, 'gone', 'm1')).toBe('m1');
    expect(selectedId(opts, 'gone')).toBe('default');
    expect(selectedId([], 'x')).toBe('');
  });
});
