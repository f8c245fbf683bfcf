// `window.__jb` additions for the simulcast and device tests (tests/e2e/simulcast.e2e.mjs):
// the layer state of remote cameras with the requests sent and their times, what our camera
// sends per simulcast encoding, the connection numbers the settings panel shows, and the
// speaker each audio element plays on.
import type { CallSession } from './CallSession';
import type { ConnectionStats, SendLayerSample } from './connectionStats';
import { readSendLayers } from './connectionStats';
import type { DevicesState } from './LocalDevices';
import type { LayerRequest, VideoLayerInfo } from './VideoLayerControl';

export interface MediaQualityHooks {
  /** Remote cameras (paused, preferred and current layer, tile view) and the requests sent (`at`: performance.now()). */
  videoLayers(): { layers: VideoLayerInfo[]; requests: LayerRequest[] };
  /** outbound-rtp of our camera per rid. */
  sendLayers(): Promise<SendLayerSample[]>;
  /** One reading as the settings panel shows it (two readings a second apart give rates). */
  connectionStats(): Promise<ConnectionStats | undefined>;
  devices(): DevicesState | undefined;
  /** The track our mic producer sends now (a device switch replaces it). */
  micTrack(): SentTrack | undefined;
  /** The track our camera producer sends now, with the producer's id (a switch keeps the producer). */
  camTrack(): SentTrack | undefined;
}

export interface SentTrack {
  producerId: string;
  id: string;
  enabled: boolean;
  readyState: MediaStreamTrackState;
  deviceId: string | undefined;
}

export function mediaQualityHooks(active: () => CallSession | undefined): MediaQualityHooks {
  return {
    videoLayers: () => {
      const s = active();
      return s ? { layers: s.videoLayers.snapshot(), requests: s.videoLayers.requests() } : { layers: [], requests: [] };
    },
    sendLayers: () => readSendLayers(active()?.devices.producer('video')),
    connectionStats: async () => active()?.connectionStats.sample(),
    devices: () => active()?.devices.getState(),
    micTrack: () => sentTrack(active(), 'audio'),
    camTrack: () => sentTrack(active(), 'video'),
  };
}

function sentTrack(session: CallSession | undefined, kind: 'audio' | 'video'): SentTrack | undefined {
  const p = session?.devices.producer(kind);
  const t = p?.track;
  if (!p || !t) return undefined;
  return { producerId: p.id, id: t.id, enabled: t.enabled, readyState: t.readyState, deviceId: t.getSettings().deviceId };
}
