// Render check (server-side rendering) of the settings panel's connection numbers.
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ConnectionStats, ConnectionStatsSampler } from '../call/connectionStats';
import { ConnectionStatsView } from './ConnectionStatsView';

const stats: ConnectionStats = {
  sampledAt: 5000,
  rttMs: 0.4,
  sendKbps: 1850,
  receiveKbps: 420.4,
  receiveLossPct: 1.25,
  sendLossPct: undefined,
  sendLayers: [
    { rid: 'r0', width: 320, height: 180, fps: 30, kbps: 150, limitedBy: 'none' },
    { rid: 'r1', width: 640, height: 360, fps: 30, kbps: 500, limitedBy: 'none' },
    { rid: 'r2', width: 0, height: 0, fps: 0, kbps: undefined, limitedBy: 'bandwidth' },
  ],
  videos: [
    { consumerId: 'c1', peerId: 'bob', width: 320, height: 180, fps: 29.6, kbps: 140, layer: 0, preferredLayer: 0, paused: false, simulcast: true },
    { consumerId: 'c2', peerId: 'cleo', width: 640, height: 360, fps: 30, kbps: 0, layer: 1, preferredLayer: 1, paused: true, simulcast: true },
  ],
};

const sampler = (s: ConnectionStats | undefined) =>
  ({ subscribe: () => () => {}, getSnapshot: () => s }) as unknown as ConnectionStatsSampler;

describe('ConnectionStatsView', () => {
  it('shows RTT, rates and loss, each layer we send and each video we get', () => {
    const html = renderToStaticMarkup(<ConnectionStatsView stats={sampler(stats)} peerNames={{ bob: 'Bob', cleo: 'Cleo' }} />);
    expect(html).toContain('data-testid="stat-rtt">0.4 ms<');
    expect(html).toContain('data-testid="stat-send">1.9 Mbit/s<');
    expect(html).toContain('data-testid="stat-receive">420 kbit/s<');
    expect(html).toContain('data-testid="stat-loss">1.3% / –<');
    expect(html).toContain('low: 320×180 30 fps, 150 kbit/s');
    expect(html).toContain('high: not sent (limited by bandwidth)');
    expect(html).toContain('Bob: 320×180 30 fps, low layer, 140 kbit/s');
    expect(html).toContain('Cleo: paused (not on screen)');
    expect(html).toContain('data-sampled-at="5000"');
  });

  it('shows placeholders before the first reading', () => {
    const html = renderToStaticMarkup(<ConnectionStatsView stats={sampler(undefined)} peerNames={{}} />);
    expect(html).toContain('data-testid="stat-rtt">…<');
    expect(html).not.toContain('stat-videos');
  });
});
