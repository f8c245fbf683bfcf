// Which simulcast layer a remote video tile needs, and whether it needs video at all: a
// pure function of the tile's rendered size and visibility, so it is tested without a
// browser. VideoLayerControl applies the answer through the signaling requests.
import { layerHeights } from './simulcast';

/** How a remote video tile is shown now. */
export interface TileView {
  /** Some of it is on screen (not display:none, not scrolled away). */
  visible: boolean;
  /** CSS pixels of the video element. */
  width: number;
  height: number;
  devicePixelRatio: number;
}

/** The layers of our own senders' ladder for the 720p camera we capture: 180, 360, 720. */
export const CAMERA_LAYER_HEIGHTS: readonly number[] = layerHeights(720);

/** The camera's aspect ratio (16:9 for the 1280x720 capture). */
export const CAMERA_ASPECT = 16 / 9;

/**
 * A layer up to this much smaller than the tile still looks sharp (a 25% upscale is not
 * visible at video quality) and costs a fraction of the next layer up.
 */
export const UPSCALE_TOLERANCE = 1.25;

/**
 * The source height the tile needs: tiles crop to fill (`object-fit: cover`), so a wide
 * tile needs the height that its width implies at the source's aspect ratio.
 */
export function neededHeight(view: Pick<TileView, 'width' | 'height' | 'devicePixelRatio'>, aspect = CAMERA_ASPECT): number {
  const dpr = view.devicePixelRatio > 0 ? view.devicePixelRatio : 1;
  return Math.max(view.height, view.width / aspect) * dpr;
}

/** The lowest layer tall enough for the tile, or the top one when none is. */
export function chooseSpatialLayer(
  view: Pick<TileView, 'width' | 'height' | 'devicePixelRatio'>,
  heights: readonly number[] = CAMERA_LAYER_HEIGHTS,
  aspect = CAMERA_ASPECT,
): number {
  const need = neededHeight(view, aspect) / UPSCALE_TOLERANCE;
  const i = heights.findIndex((h) => h >= need);
  return i === -1 ? heights.length - 1 : i;
}

/** What the consumer behind a tile should do: paused, or forwarding this layer. */
export interface ReceiveWish {
  paused: boolean;
  /** Undefined: no preference yet (the tile has not been measured); the server's default. */
  spatialLayer: number | undefined;
}

/**
 * A tile that is hidden, off screen or in a hidden page gets no video at all; a shown one
 * gets the layer its size needs. Before the tile is measured, video flows unchanged.
 */
export function receiveWish(view: TileView | undefined, pageVisible: boolean): ReceiveWish {
  if (!view) return { paused: !pageVisible, spatialLayer: undefined };
  const shown = pageVisible && view.visible && view.width > 0 && view.height > 0;
  if (!shown) return { paused: true, spatialLayer: undefined };
  return { paused: false, spatialLayer: chooseSpatialLayer(view) };
}
