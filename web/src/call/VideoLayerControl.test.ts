import { describe, expect, it } from 'vitest';
import type { CallLink, ConsumerEntry } from './CallLink';
import type { CallAction } from './callState';
import { PAUSE_DELAY_MS, LAYER_DELAY_MS, VideoLayerControl, type LayerTimers } from './VideoLayerControl';

/** Timers that run only when the test advances time. */
class ManualClock implements LayerTimers {
  t = 0;
  private queue: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.queue.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.queue = this.queue.filter((q) => q.id !== handle);
  }
  now(): number {
    return this.t;
  }
  async advance(ms: number): Promise<void> {
    const until = this.t + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > until) break;
      this.queue.shift();
      this.t = next.at;
      next.fn();
      await flush();
    }
    this.t = until;
  }
}

const flush = () => new Promise<void>((r) => setTimeout(r, 0));

class FakeConsumer {
  paused = false;
  closed = false;
  constructor(
    readonly id: string,
    readonly kind: 'audio' | 'video' = 'video',
  ) {}
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
}

function setup(opts: { type?: 'simple' | 'simulcast'; failLayers?: boolean } = {}) {
  const sent: Array<{ method: string; data: Record<string, unknown> }> = [];
  const consumers = new Map<string, ConsumerEntry>();
  const link = {
    consumers,
    signaling: {
      request: async (method: string, data: Record<string, unknown>) => {
        sent.push({ method, data });
        if (opts.failLayers && method === 'setConsumerPreferredLayers') throw new Error('unknown_method');
        return {};
      },
    },
  } as unknown as CallLink;
  const actions: CallAction[] = [];
  const clock = new ManualClock();
  let current: CallLink | undefined = link;
  const control = new VideoLayerControl(
    { link: () => current, isCurrent: (l) => l === current, dispatch: (a) => actions.push(a) },
    clock,
  );
  /** `none`: a consumer from a server that sends no `type`. */
  const addCamera = (id: string, peerId: string, kind: 'simple' | 'simulcast' | 'none' = opts.type ?? 'simulcast') => {
    const type = kind === 'none' ? undefined : kind;
    const consumer = new FakeConsumer(id);
    consumers.set(id, { consumer: consumer as never, peerId, source: 'webcam', ...(type ? { type } : {}) });
    control.reconcile();
    return consumer;
  };
  return { control, clock, sent, actions, consumers, addCamera, replaceLink: (l: CallLink | undefined) => (current = l) };
}

const shown = (width: number, height: number) => ({ visible: true, width, height, devicePixelRatio: 1 });

describe('VideoLayerControl', () => {
  it('asks for the low layer for a small tile once the size settles, and the top one when it grows', async () => {
    const { control, clock, sent, addCamera } = setup();
    addCamera('c1', 'bob');
    control.setTileView('bob', shown(160, 90));
    await clock.advance(LAYER_DELAY_MS - 1);
    expect(sent).toEqual([]);
    await clock.advance(1);
    expect(sent).toEqual([{ method: 'setConsumerPreferredLayers', data: { consumerId: 'c1', spatialLayer: 0 } }]);

    control.setTileView('bob', shown(1280, 720));
    await clock.advance(LAYER_DELAY_MS);
    expect(sent.at(-1)).toEqual({ method: 'setConsumerPreferredLayers', data: { consumerId: 'c1', spatialLayer: 2 } });
    expect(control.snapshot()[0]).toMatchObject({ consumerId: 'c1', preferredLayer: 2, paused: false, simulcast: true });
  });

  it('sends one request for a burst of resizes (a window being dragged)', async () => {
    const { control, clock, sent, addCamera } = setup();
    addCamera('c1', 'bob');
    for (let w = 100; w < 1400; w += 50) {
      control.setTileView('bob', shown(w, (w * 9) / 16));
      await clock.advance(20);
    }
    await clock.advance(LAYER_DELAY_MS);
    expect(sent).toEqual([{ method: 'setConsumerPreferredLayers', data: { consumerId: 'c1', spatialLayer: 2 } }]);
  });

  it('sends nothing when a resize stays within the same layer', async () => {
    const { control, clock, sent, addCamera } = setup();
    addCamera('c1', 'bob');
    control.setTileView('bob', shown(160, 90));
    await clock.advance(LAYER_DELAY_MS);
    control.setTileView('bob', shown(180, 100));
    await clock.advance(LAYER_DELAY_MS * 2);
    expect(sent).toHaveLength(1);
  });

  it('pauses the consumer of a hidden tile, here and on the server, and resumes it at once when shown', async () => {
    const { control, clock, sent, actions, addCamera } = setup();
    const consumer = addCamera('c1', 'bob');
    control.setTileView('bob', shown(640, 360));
    await clock.advance(LAYER_DELAY_MS);
    sent.length = 0;

    control.setTileView('bob', { ...shown(640, 360), visible: false });
    await clock.advance(PAUSE_DELAY_MS);
    expect(consumer.paused).toBe(true);
    expect(sent).toEqual([{ method: 'pauseConsumer', data: { consumerId: 'c1' } }]);
    expect(actions).toContainEqual({ type: 'consumerPausedChanged', consumerId: 'c1', paused: true });

    control.setTileView('bob', shown(640, 360));
    await clock.advance(0);
    expect(consumer.paused).toBe(false);
    expect(sent.at(-1)).toEqual({ method: 'resumeConsumer', data: { consumerId: 'c1' } });
    expect(actions).toContainEqual({ type: 'consumerPausedChanged', consumerId: 'c1', paused: false });
  });

  it('does not pause a tile that is hidden only briefly', async () => {
    const { control, clock, sent, addCamera } = setup();
    const consumer = addCamera('c1', 'bob');
    control.setTileView('bob', { ...shown(640, 360), visible: false });
    await clock.advance(PAUSE_DELAY_MS / 2);
    control.setTileView('bob', shown(640, 360));
    await clock.advance(PAUSE_DELAY_MS * 2);
    expect(consumer.paused).toBe(false);
    expect(sent.filter((s) => s.method !== 'setConsumerPreferredLayers')).toEqual([]);
  });

  it('sets the layer of a tile shown again before resuming it, so the first frames are the right size', async () => {
    const { control, clock, sent, addCamera } = setup();
    addCamera('c1', 'bob');
    control.setTileView('bob', { ...shown(640, 360), visible: false });
    await clock.advance(PAUSE_DELAY_MS);
    control.setTileView('bob', shown(160, 90));
    await clock.advance(0);
    expect(sent.slice(-2).map((s) => s.method)).toEqual(['setConsumerPreferredLayers', 'resumeConsumer']);
    expect(sent.at(-2)!.data.spatialLayer).toBe(0);
  });

  it('pauses every camera while the page is hidden', async () => {
    const { control, clock, addCamera } = setup();
    const a = addCamera('c1', 'bob');
    const b = addCamera('c2', 'cleo');
    control.setPageVisible(false);
    await clock.advance(PAUSE_DELAY_MS);
    expect([a.paused, b.paused]).toEqual([true, true]);
    control.setPageVisible(true);
    await clock.advance(0);
    expect([a.paused, b.paused]).toEqual([false, false]);
  });

  it('never asks a simple (one-layer) consumer for layers, but still pauses it', async () => {
    const { control, clock, sent, addCamera } = setup({ type: 'simple' });
    const consumer = addCamera('c1', 'bob');
    control.setTileView('bob', shown(160, 90));
    await clock.advance(LAYER_DELAY_MS * 2);
    expect(sent).toEqual([]);
    control.setTileView('bob', { ...shown(160, 90), visible: false });
    await clock.advance(PAUSE_DELAY_MS);
    expect(consumer.paused).toBe(true);
    expect(sent.map((s) => s.method)).toEqual(['pauseConsumer']);
  });

  it('treats a consumer from a server without consumer types as one layer', async () => {
    const { control, clock, sent, addCamera } = setup();
    addCamera('c1', 'bob', 'none');
    control.setTileView('bob', shown(160, 90));
    await clock.advance(LAYER_DELAY_MS);
    expect(sent).toEqual([]);
  });

  it('applies the tile to a consumer that arrives after the tile was measured (a rejoin)', async () => {
    const { control, clock, sent, addCamera } = setup();
    control.setTileView('bob', shown(160, 90));
    await clock.advance(LAYER_DELAY_MS);
    expect(sent).toEqual([]);
    addCamera('c9', 'bob');
    await clock.advance(LAYER_DELAY_MS);
    expect(sent).toEqual([{ method: 'setConsumerPreferredLayers', data: { consumerId: 'c9', spatialLayer: 0 } }]);
  });

  it('forgets a closed consumer and drops its pending request', async () => {
    const { control, clock, sent, consumers, addCamera } = setup();
    addCamera('c1', 'bob');
    control.setTileView('bob', shown(160, 90));
    consumers.delete('c1');
    control.reconcile();
    await clock.advance(LAYER_DELAY_MS * 2);
    expect(sent).toEqual([]);
    expect(control.snapshot()).toEqual([]);
  });

  it('sends nothing for the consumers of a replaced link', async () => {
    const { control, clock, sent, addCamera, replaceLink } = setup();
    addCamera('c1', 'bob');
    control.setTileView('bob', shown(160, 90));
    replaceLink(undefined);
    await clock.advance(LAYER_DELAY_MS * 2);
    expect(sent).toEqual([]);
  });

  it('retries a layer the server refused at the next change', async () => {
    const { control, clock, sent, addCamera } = setup({ failLayers: true });
    addCamera('c1', 'bob');
    control.setTileView('bob', shown(160, 90));
    await clock.advance(LAYER_DELAY_MS);
    expect(control.snapshot()[0]!.preferredLayer).toBeUndefined();
    control.setTileView('bob', shown(161, 91));
    await clock.advance(LAYER_DELAY_MS);
    expect(sent.filter((s) => s.method === 'setConsumerPreferredLayers')).toHaveLength(2);
  });

  it('reports the layer the server forwards and logs each request with its time', async () => {
    const { control, clock, addCamera } = setup();
    addCamera('c1', 'bob');
    control.setTileView('bob', shown(160, 90));
    await clock.advance(LAYER_DELAY_MS);
    control.onLayersChanged('c1', 0);
    expect(control.snapshot()[0]!.currentLayer).toBe(0);
    expect(control.requests()).toEqual([{ consumerId: 'c1', method: 'setConsumerPreferredLayers', spatialLayer: 0, at: LAYER_DELAY_MS }]);
  });

  it('leaves audio and screen consumers alone', async () => {
    const { control, clock, sent, consumers } = setup();
    consumers.set('a1', { consumer: new FakeConsumer('a1', 'audio') as never, peerId: 'bob', source: 'mic' });
    consumers.set('s1', { consumer: new FakeConsumer('s1') as never, peerId: 'bob', source: 'screen', type: 'simple' });
    control.setTileView('bob', { ...shown(160, 90), visible: false });
    await clock.advance(PAUSE_DELAY_MS * 2);
    expect(sent).toEqual([]);
  });
});
