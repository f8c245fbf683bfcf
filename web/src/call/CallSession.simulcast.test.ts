import { afterEach, describe, expect, it } from 'vitest';
import type { CallSession } from './CallSession';
import { FakeSfu } from '../test/FakeSfu';
import { bob, makeSession, until } from '../test/sessionHarness';

type Encodings = Array<{ rid?: string; scaleResolutionDownBy?: number; maxBitrate?: number }>;
const produces = (sfu: FakeSfu, source: string) =>
  sfu.log.filter((r) => r.method === 'produce' && (r.data.appData as { source?: string } | undefined)?.source === source);
const encodingsOf = (r: { data: Record<string, unknown> }) => (r.data.rtpParameters as { encodings: Encodings }).encodings;

/** consume answers `type` as a simulcast-capable server does: "simulcast" for bob's camera. */
function answerConsumeTypes(sfu: FakeSfu): void {
  const handle = (sfu as unknown as { handle: (m: string, d: Record<string, unknown>) => object }).handle.bind(sfu);
  const typed = (d: Record<string, unknown>) => {
    sfu.overrides.delete('consume');
    try {
      return { ...handle('consume', d), type: d.producerId === 'bob-cam' ? 'simulcast' : 'simple' };
    } finally {
      sfu.overrides.set('consume', typed);
    }
  };
  sfu.overrides.set('consume', typed);
}

describe('CallSession simulcast', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('sends the camera as three layers (1/4, 1/2, full) and the microphone as one', async () => {
    const sfu = new FakeSfu();
    ({ session } = makeSession(sfu));
    await session.join('abc-defg-hij', 'Ann');
    const cam = produces(sfu, 'webcam');
    expect(cam).toHaveLength(1);
    // (The rids r0..r2 are added by mediasoup-client's browser handlers, not the fake one.)
    expect(encodingsOf(cam[0]!).map((e) => [e.scaleResolutionDownBy, e.maxBitrate])).toEqual([
      [4, 150_000],
      [2, 500_000],
      [1, 1_200_000],
    ]);
    expect(encodingsOf(produces(sfu, 'mic')[0]!)).toHaveLength(1);
  });

  it('falls back to one camera layer when the server refuses simulcast', async () => {
    const sfu = new FakeSfu();
    let n = 0;
    sfu.overrides.set('produce', (data) => {
      const encodings = (data.rtpParameters as { encodings: Encodings }).encodings;
      if (encodings.length > 1) throw Object.assign(new Error('rtpParameters.encodings[0].ssrc is required'), { code: 'unsupported' });
      return { id: `prod-${n++}` };
    });
    ({ session } = makeSession(sfu));
    await session.join('abc-defg-hij', 'Ann');
    const cam = produces(sfu, 'webcam');
    expect(cam.map((r) => encodingsOf(r).length)).toEqual([3, 1]);
    expect(session.state.local).toMatchObject({ camOn: true, camAvailable: true });
    expect(session.state.errors).toEqual([]);
  });

  it('asks for a layer and pauses by tile only for the simulcast camera consumer', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [bob];
    sfu.overrides.set('setConsumerPreferredLayers', () => ({}));
    answerConsumeTypes(sfu);
    ({ session } = makeSession(sfu));
    const s = session;
    await s.join('abc-defg-hij', 'Ann');
    await until(() => s.videoLayers.snapshot().length === 1, 'the camera consumer');
    expect(s.videoLayers.snapshot()[0]).toMatchObject({ peerId: 'bob', simulcast: true, paused: false });

    s.videoLayers.setTileView('bob', { visible: true, width: 160, height: 90, devicePixelRatio: 1 });
    await until(() => sfu.methods().includes('setConsumerPreferredLayers'), 'a layer request');
    expect(sfu.log.find((r) => r.method === 'setConsumerPreferredLayers')!.data).toMatchObject({ spatialLayer: 0 });

    s.videoLayers.setTileView('bob', { visible: false, width: 160, height: 90, devicePixelRatio: 1 });
    await until(() => sfu.methods().includes('pauseConsumer'), 'pauseConsumer');
    expect(s.videoLayers.snapshot()[0]!.paused).toBe(true);

    sfu.notify('consumerLayersChanged', { consumerId: s.videoLayers.snapshot()[0]!.consumerId, spatialLayer: 0 });
    await until(() => s.videoLayers.snapshot()[0]!.currentLayer === 0, 'the current layer');
    // The notification is known: no protocol error reached the banner.
    expect(s.state.errors).toEqual([]);
  });
});
