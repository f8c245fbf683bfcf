import { useSyncExternalStore, type ReactElement } from 'react';
import type { ConnectionStats, ConnectionStatsSampler } from '../call/connectionStats';

const LAYER_NAMES = ['low', 'medium', 'high'];

/** The connection numbers of the settings panel, read once a second while it is shown. */
export function ConnectionStatsView(props: { stats: ConnectionStatsSampler; peerNames: Readonly<Record<string, string>> }): ReactElement {
  const s = useSyncExternalStore(props.stats.subscribe, props.stats.getSnapshot, props.stats.getSnapshot);
  return (
    <section className="conn-stats" data-testid="connection-stats" data-sampled-at={s ? Math.round(s.sampledAt) : ''} aria-label="Connection">
      <h3>Connection</h3>
      <dl>
        <Stat label="Round-trip time" testId="stat-rtt" value={s?.rttMs === undefined ? undefined : `${s.rttMs < 10 ? s.rttMs.toFixed(1) : Math.round(s.rttMs)} ms`} />
        <Stat label="Sending" testId="stat-send" value={rate(s?.sendKbps)} />
        <Stat label="Receiving" testId="stat-receive" value={rate(s?.receiveKbps)} />
        <Stat label="Loss (in / out)" testId="stat-loss" value={s ? `${pct(s.receiveLossPct)} / ${pct(s.sendLossPct)}` : undefined} />
      </dl>
      {s && s.sendLayers.length > 0 ? (
        <>
          <h4>Your camera</h4>
          <ul className="conn-list" data-testid="stat-send-layers">
            {s.sendLayers.map((l, i) => (
              <li key={l.rid ?? i} data-rid={l.rid ?? ''}>
                {l.rid ? `${LAYER_NAMES[i] ?? l.rid}: ` : ''}
                {l.width > 0 ? `${l.width}×${l.height} ${Math.round(l.fps)} fps, ${rate(l.kbps) ?? '…'}` : 'not sent'}
                {l.limitedBy && l.limitedBy !== 'none' ? ` (limited by ${l.limitedBy})` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {s && s.videos.length > 0 ? (
        <>
          <h4>Received video</h4>
          <ul className="conn-list" data-testid="stat-videos">
            {s.videos.map((v) => (
              <li key={v.consumerId} data-peer-id={v.peerId} data-layer={v.layer ?? ''}>
                {props.peerNames[v.peerId] || 'Guest'}: {describeVideo(v)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

function Stat({ label, testId, value }: { label: string; testId: string; value: string | undefined }): ReactElement {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>{value ?? '…'}</dd>
    </>
  );
}

function describeVideo(v: ConnectionStats['videos'][number]): string {
  if (v.paused) return 'paused (not on screen)';
  const size = v.width > 0 ? `${v.width}×${v.height} ${Math.round(v.fps)} fps` : 'no frames yet';
  // null or -1: the server forwards no layer right now.
  const layer = v.simulcast && typeof v.layer === 'number' && v.layer >= 0 ? `, ${LAYER_NAMES[v.layer] ?? `layer ${v.layer}`} layer` : '';
  return `${size}${layer}${v.kbps !== undefined ? `, ${rate(v.kbps)}` : ''}`;
}

function rate(kbps: number | undefined): string | undefined {
  if (kbps === undefined) return undefined;
  return kbps >= 1000 ? `${(kbps / 1000).toFixed(1)} Mbit/s` : `${Math.round(kbps)} kbit/s`;
}

function pct(v: number | undefined): string {
  return v === undefined ? '–' : `${v.toFixed(1)}%`;
}
