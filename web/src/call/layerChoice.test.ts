import { describe, expect, it } from 'vitest';
import { CAMERA_LAYER_HEIGHTS, chooseSpatialLayer, neededHeight, receiveWish } from './layerChoice';
import { cameraEncodings, layerHeights } from './simulcast';

const view = (width: number, height: number, devicePixelRatio = 1) => ({ visible: true, width, height, devicePixelRatio });

describe('simulcast ladder', () => {
  it('is 1/4, 1/2 and full size of the 720p capture', () => {
    expect(CAMERA_LAYER_HEIGHTS).toEqual([180, 360, 720]);
    expect(layerHeights(1080)).toEqual([270, 540, 1080]);
  });

  it('gives produce a fresh encodings array each time (mediasoup-client writes into it)', () => {
    const a = cameraEncodings();
    a[0]!.rid = 'r0';
    expect(cameraEncodings()[0]!.rid).toBeUndefined();
    expect(a.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
  });
});

describe('chooseSpatialLayer', () => {
  it('picks the lowest layer for a thumbnail in the presentation strip', () => {
    expect(chooseSpatialLayer(view(160, 120))).toBe(0);
  });

  it('picks the middle layer for a tile of a two-person grid in a small window', () => {
    expect(chooseSpatialLayer(view(470, 264))).toBe(1);
  });

  it('picks the top layer for a large tile', () => {
    expect(chooseSpatialLayer(view(1280, 720))).toBe(2);
    expect(chooseSpatialLayer(view(1920, 1080))).toBe(2);
  });

  it('counts device pixels: the same tile on a 2x screen needs a layer up', () => {
    expect(chooseSpatialLayer(view(320, 180, 1))).toBe(0);
    expect(chooseSpatialLayer(view(320, 180, 2))).toBe(1);
  });

  it('accepts a slight upscale rather than paying for the next layer', () => {
    // 400 px tall needs 400; 360 is within 25%.
    expect(chooseSpatialLayer(view(711, 400))).toBe(1);
    // 460 px tall is not.
    expect(chooseSpatialLayer(view(818, 460))).toBe(2);
  });

  it('needs the height a wide tile implies, because tiles crop to fill', () => {
    // A wide, short tile: 1280 px wide at 16:9 shows 720 source rows, cropped to 200.
    expect(neededHeight(view(1280, 200))).toBe(720);
    expect(chooseSpatialLayer(view(1280, 200))).toBe(2);
  });

  it('treats a missing devicePixelRatio as 1', () => {
    expect(neededHeight(view(100, 300, 0))).toBe(300);
  });
});

describe('receiveWish', () => {
  it('pauses a tile that is hidden or has no size', () => {
    expect(receiveWish({ ...view(640, 360), visible: false }, true)).toEqual({ paused: true, spatialLayer: undefined });
    expect(receiveWish(view(0, 0), true).paused).toBe(true);
  });

  it('pauses every tile while the page is hidden', () => {
    expect(receiveWish(view(640, 360), false).paused).toBe(true);
    expect(receiveWish(undefined, false).paused).toBe(true);
  });

  it('leaves an unmeasured tile running with no layer preference', () => {
    expect(receiveWish(undefined, true)).toEqual({ paused: false, spatialLayer: undefined });
  });

  it('asks a shown tile for the layer its size needs', () => {
    expect(receiveWish(view(160, 90), true)).toEqual({ paused: false, spatialLayer: 0 });
  });
});
