import { describe, expect, it } from 'vitest';
import { kbps, lossPct, summarize, type ConnectionSample } from './connectionStats';

function sample(at: number, patch: Partial<ConnectionSample> = {}): ConnectionSample {
  return {
    at,
    rtt: 0.0123,
    bytesSent: 0,
    bytesReceived: 0,
    packetsReceived: 0,
    packetsLost: 0,
    packetsSent: 0,
    packetsLostRemote: 0,
    sendLayers: [],
    videos: [],
    ...patch,
  };
}

describe('kbps', () => {
  it('is bits per millisecond between two byte counts', () => {
    expect(kbps(0, 125_000, 1000)).toBe(1000);
    expect(kbps(undefined, 125_000, 1000)).toBeUndefined();
    expect(kbps(100, 50, 1000)).toBeUndefined(); // a counter that went back (new transport)
    expect(kbps(0, 10, 0)).toBeUndefined();
  });
});

describe('lossPct', () => {
  it('is lost over expected in the interval', () => {
    expect(lossPct(10, 20, 1000, 1090)).toBe(10);
    expect(lossPct(0, 0, 5, 5)).toBeUndefined();
    expect(lossPct(5, 3, 0, 100)).toBe(0); // lost can fall (duplicates); never negative
  });
});

describe('summarize', () => {
  it('gives RTT at once, and rates and loss from the second reading on', () => {
    const first = summarize(undefined, sample(0, { bytesSent: 1000 }));
    expect(first.rttMs).toBe(12.3);
    expect(first.sendKbps).toBeUndefined();
    expect(first.receiveLossPct).toBeUndefined();

    const prev = sample(1000, { bytesSent: 0, bytesReceived: 0, packetsReceived: 100, packetsLost: 0, packetsSent: 200, packetsLostRemote: 0 });
    const cur = sample(2000, { bytesSent: 250_000, bytesReceived: 62_500, packetsReceived: 195, packetsLost: 5, packetsSent: 400, packetsLostRemote: 20 });
    const s = summarize(prev, cur);
    expect(s.sendKbps).toBe(2000);
    expect(s.receiveKbps).toBe(500);
    expect(s.receiveLossPct).toBe(5);
    expect(s.sendLossPct).toBe(10);
    expect(s.sampledAt).toBe(2000);
  });

  it('reports each simulcast layer sent, low to high, with its bitrate', () => {
    const layer = (rid: string, w: number, bytes: number) => ({
      rid,
      frameWidth: w,
      frameHeight: (w * 9) / 16,
      framesPerSecond: 30,
      bytesSent: bytes,
      qualityLimitationReason: 'none',
    });
    const prev = sample(0, { sendLayers: [layer('r2', 1280, 0), layer('r0', 320, 0), layer('r1', 640, 0)] });
    const cur = sample(1000, { sendLayers: [layer('r2', 1280, 150_000), layer('r0', 320, 18_750), layer('r1', 640, 62_500)] });
    expect(summarize(prev, cur).sendLayers.map((l) => [l.rid, l.width, l.kbps])).toEqual([
      ['r0', 320, 150],
      ['r1', 640, 500],
      ['r2', 1280, 1200],
    ]);
  });

  it('joins each received video with the layer the server reported and our pause', () => {
    const video = (bytes: number) => ({
      consumerId: 'c1',
      peerId: 'bob',
      frameWidth: 320,
      frameHeight: 180,
      framesPerSecond: 30,
      packetsReceived: 0,
      bytesReceived: bytes,
    });
    const s = summarize(sample(0, { videos: [video(0)] }), sample(500, { videos: [video(12_500)] }), [
      { consumerId: 'c1', peerId: 'bob', simulcast: true, paused: false, preferredLayer: 0, currentLayer: 0, view: undefined },
    ]);
    expect(s.videos).toEqual([
      { consumerId: 'c1', peerId: 'bob', width: 320, height: 180, fps: 30, kbps: 200, layer: 0, preferredLayer: 0, paused: false, simulcast: true },
    ]);
  });
});
