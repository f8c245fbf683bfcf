// What a CallSession uses in a real browser: the WebSocket to this page's server, the
// mediasoup Device, the camera, microphone and screen, storage for language settings, and
// the ICE settings the page address may carry (`?ice=relay`).
import { Device } from 'mediasoup-client';
import { SignalingClient, signalingUrlFor } from '../signaling/SignalingClient';
import { createWebAudioMeter } from '../translation/webAudioMeter';
import type { CallSessionDeps } from './CallSession';
import { iceTransportPolicyFrom, resolveIceServers } from './iceConfig';

export function browserDeps(): CallSessionDeps {
  const policy = iceTransportPolicyFrom(location.search);
  const media = navigator.mediaDevices;
  return {
    createSignaling: () => new SignalingClient({ url: signalingUrlFor(location) }),
    createDevice: () => Device.factory(),
    getUserMedia: (c) => navigator.mediaDevices.getUserMedia(c),
    ...(typeof media?.getDisplayMedia === 'function' ? { getDisplayMedia: (o) => media.getDisplayMedia(o) } : {}),
    now: () => performance.now(),
    translation: { storage: browserStorage(), preferredLanguages: browserLanguages() },
    createLevelMeter: createWebAudioMeter,
    ...(policy ? { iceTransportPolicy: policy } : {}),
    resolveIceServers,
    devices: { storage: browserStorage(), ...(media ? { mediaDevices: media } : {}) },
  };
}

function browserStorage(): Storage | undefined {
  try {
    return localStorage;
  } catch {
    return undefined;
  }
}

function browserLanguages(): string[] {
  if (typeof navigator === 'undefined') return [];
  if (navigator.languages?.length) return [...navigator.languages];
  return navigator.language ? [navigator.language] : [];
}
