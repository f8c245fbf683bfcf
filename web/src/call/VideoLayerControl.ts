// Receiving only the video that is seen, at the size it is seen (docs/protocol.md "Call
// flow", layers and pausing). Tiles report how they are shown (TileView); for each remote
// camera consumer this asks the server for the layer the tile needs
// (`setConsumerPreferredLayers`, simulcast consumers only) and pauses the consumer while
// its tile is hidden, off screen, or the page is in the background (`pauseConsumer` and
// the local consumer.pause(), which stops the decoder too). Changes are debounced so
// resizing a window does not send a request per frame; showing a tile acts at once.
import type { CallLink, ConsumerEntry } from './CallLink';
import type { CallAction } from './callState';
import { describeError } from './describeError';
import { receiveWish, type ReceiveWish, type TileView } from './layerChoice';

export interface VideoLayerHost {
  /** The current link (a reconnect replaces it, with new consumer ids). */
  link(): CallLink | undefined;
  isCurrent(link: CallLink): boolean;
  dispatch(action: CallAction): void;
}

export interface LayerTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

/** A request this sent, for the stats panel and the browser tests' switch timing. */
export interface LayerRequest {
  consumerId: string;
  method: 'setConsumerPreferredLayers' | 'pauseConsumer' | 'resumeConsumer';
  spatialLayer?: number;
  /** timers.now() when it was sent. */
  at: number;
}

/** One remote camera as this controls it. */
export interface VideoLayerInfo {
  consumerId: string;
  peerId: string;
  simulcast: boolean;
  paused: boolean;
  /** The layer we asked for (undefined: none asked, the server's default). */
  preferredLayer: number | undefined;
  /** The layer the server says it forwards (consumerLayersChanged); undefined until told. */
  currentLayer: number | null | undefined;
  view: TileView | undefined;
}

/** Hiding waits this long: a tile scrolled past, or a layout briefly reflowing, keeps its video. */
export const PAUSE_DELAY_MS = 500;
/** Layer changes wait for the size to settle (a window being dragged). */
export const LAYER_DELAY_MS = 300;
const MAX_LOGGED_REQUESTS = 200;

const browserTimers: LayerTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

interface Applied {
  paused: boolean;
  spatialLayer: number | undefined;
}

export class VideoLayerControl {
  private readonly views = new Map<string, TileView>();
  private pageVisible = true;
  /** What the server was last told, per consumer id. */
  private readonly applied = new Map<string, Applied>();
  private readonly timers = new Map<string, { handle: unknown; wish: ReceiveWish }>();
  private readonly current = new Map<string, number | null>();
  private readonly log: LayerRequest[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly host: VideoLayerHost,
    private readonly clock: LayerTimers = browserTimers,
  ) {}

  /** A remote peer's camera tile is shown like this now (undefined: the tile is gone). */
  setTileView(peerId: string, view: TileView | undefined): void {
    if (view) this.views.set(peerId, view);
    else this.views.delete(peerId);
    this.reconcile();
  }

  /** The page went to the background (document.hidden) or came back. */
  setPageVisible(visible: boolean): void {
    if (this.pageVisible === visible) return;
    this.pageVisible = visible;
    this.reconcile();
  }

  /** consumerLayersChanged from the server. */
  onLayersChanged(consumerId: string, spatialLayer: number | null): void {
    this.current.set(consumerId, spatialLayer);
    this.emit();
  }

  /** Requests sent so far (the last 200), oldest first. */
  requests(): LayerRequest[] {
    return [...this.log];
  }

  /** Every remote camera of the current link. */
  snapshot(): VideoLayerInfo[] {
    return this.cameras().map(([id, e]) => ({
      consumerId: id,
      peerId: e.peerId,
      simulcast: e.type === 'simulcast',
      paused: this.applied.get(id)?.paused ?? false,
      preferredLayer: this.applied.get(id)?.spatialLayer,
      currentLayer: this.current.get(id),
      view: this.views.get(e.peerId),
    }));
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Brings every remote camera consumer in line with its tile. Called when a tile changes
   * and when the call state changes (a consumer came or went, a reconnect).
   */
  reconcile(): void {
    const cameras = this.cameras();
    const live = new Set(cameras.map(([id]) => id));
    for (const id of [...this.applied.keys()]) {
      if (!live.has(id)) this.forget(id);
    }
    for (const [id, entry] of cameras) {
      // A new consumer: RemoteMedia resumed it, at the server's default layer.
      if (!this.applied.has(id)) this.applied.set(id, { paused: false, spatialLayer: undefined });
      const wish = this.wishFor(entry);
      const applied = this.applied.get(id)!;
      if (!differs(wish, applied, entry)) {
        this.cancel(id);
        continue;
      }
      const pending = this.timers.get(id);
      if (pending && sameWish(pending.wish, wish)) continue;
      this.cancel(id);
      // Resuming is what the user waits for; pausing and layer moves can wait.
      const delay = applied.paused && !wish.paused ? 0 : wish.paused ? PAUSE_DELAY_MS : LAYER_DELAY_MS;
      const handle = this.clock.setTimeout(() => {
        this.timers.delete(id);
        void this.apply(id);
      }, delay);
      this.timers.set(id, { handle, wish });
    }
  }

  close(): void {
    for (const id of [...this.timers.keys()]) this.cancel(id);
    this.listeners.clear();
  }

  private wishFor(entry: ConsumerEntry): ReceiveWish {
    return receiveWish(this.views.get(entry.peerId), this.pageVisible);
  }

  /** Sends what the consumer's tile wants now (the wish may have moved on since scheduling). */
  private async apply(consumerId: string): Promise<void> {
    const link = this.host.link();
    const entry = link?.consumers.get(consumerId);
    const applied = this.applied.get(consumerId);
    if (!link || !entry || !applied || !this.host.isCurrent(link) || entry.consumer.closed) return;
    const wish = this.wishFor(entry);
    const simulcast = entry.type === 'simulcast';
    const before = { ...applied };
    // Recorded first so a reconcile meanwhile does not send the same again.
    applied.paused = wish.paused;
    if (simulcast && wish.spatialLayer !== undefined) applied.spatialLayer = wish.spatialLayer;
    this.emit();
    try {
      if (wish.paused && !before.paused) {
        entry.consumer.pause();
        this.host.dispatch({ type: 'consumerPausedChanged', consumerId, paused: true });
        await this.send(link, 'pauseConsumer', consumerId);
        return;
      }
      // Layer before resume: the first frames after resuming are already the right size.
      if (simulcast && wish.spatialLayer !== undefined && wish.spatialLayer !== before.spatialLayer) {
        await this.send(link, 'setConsumerPreferredLayers', consumerId, wish.spatialLayer);
      }
      if (!wish.paused && before.paused) {
        entry.consumer.resume();
        this.host.dispatch({ type: 'consumerPausedChanged', consumerId, paused: false });
        await this.send(link, 'resumeConsumer', consumerId);
      }
    } catch (err) {
      if (!this.host.isCurrent(link)) return;
      // Not worth a banner: video still flows, just not at the wished size. The next change retries.
      console.warn(`[VideoLayerControl] ${consumerId}: ${describeError(err)}`);
      const now = this.applied.get(consumerId);
      if (now) now.spatialLayer = before.spatialLayer;
    }
  }

  private async send(
    link: CallLink,
    method: LayerRequest['method'],
    consumerId: string,
    spatialLayer?: number,
  ): Promise<void> {
    this.log.push({ consumerId, method, ...(spatialLayer !== undefined ? { spatialLayer } : {}), at: this.clock.now() });
    if (this.log.length > MAX_LOGGED_REQUESTS) this.log.splice(0, this.log.length - MAX_LOGGED_REQUESTS);
    if (method === 'setConsumerPreferredLayers') {
      await link.signaling.request(method, { consumerId, spatialLayer: spatialLayer! });
    } else {
      await link.signaling.request(method, { consumerId });
    }
  }

  /** Remote camera consumers of the current link (screens are shown large and stay as they are). */
  private cameras(): Array<[string, ConsumerEntry]> {
    const link = this.host.link();
    if (!link || !this.host.isCurrent(link)) return [];
    return [...link.consumers].filter(([, e]) => e.source === 'webcam' && e.consumer.kind === 'video');
  }

  private cancel(id: string): void {
    const t = this.timers.get(id);
    if (!t) return;
    this.clock.clearTimeout(t.handle);
    this.timers.delete(id);
  }

  private forget(id: string): void {
    this.cancel(id);
    this.applied.delete(id);
    this.current.delete(id);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

function differs(wish: ReceiveWish, applied: Applied, entry: ConsumerEntry): boolean {
  if (wish.paused !== applied.paused) return true;
  if (wish.paused) return false;
  return entry.type === 'simulcast' && wish.spatialLayer !== undefined && wish.spatialLayer !== applied.spatialLayer;
}

function sameWish(a: ReceiveWish, b: ReceiveWish): boolean {
  return a.paused === b.paused && a.spatialLayer === b.spatialLayer;
}
