// Whether the media transports of a link ever connected. A transport that fails, or does
// not connect in time, before it was ever connected means media cannot reach the server
// this way at all (UDP blocked, a relay that refuses our credential): that needs words for
// the user, not only a silent retry.
import type { TransportDirection, TransportState } from './callState';
import { hasRelayServer } from './iceConfig';
import type { IceOptions } from './transports';

/** The error code of the banner; tests look for it. */
export const MEDIA_CONNECT_FAILED = 'media_connect_failed';

/** How long a transport may take from its first connect to "connected". */
export const DEFAULT_MEDIA_CONNECT_TIMEOUT_MS = 20_000;

export function mediaConnectFailureMessage(ice: IceOptions): string {
  const relay = hasRelayServer(ice.iceServers);
  if (ice.iceTransportPolicy === 'relay') {
    return relay
      ? 'Media could not connect through the relay (TURN server): it refused the connection or could not be reached. ' +
          'Its credential may be wrong or expired.'
      : 'Media could not connect: relay-only mode is on (?ice=relay) but the server offers no relay (TURN server).';
  }
  return relay
    ? 'Media could not connect to the server, neither directly nor through the relay (TURN server).'
    : 'Media could not connect to the server. A firewall may be blocking UDP.';
}

export type FirstConnectVerdict = 'connected' | 'failedBeforeConnecting' | 'failedAfterConnecting' | 'other';

/** The first connection of each transport of one link, with a deadline for it. */
export class FirstConnectWatch {
  private readonly connected = new Set<TransportDirection>();
  private readonly timers = new Map<TransportDirection, ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (direction: TransportDirection) => void,
  ) {}

  /** The transport started connecting: it has `timeoutMs` to get there. */
  started(direction: TransportDirection): void {
    if (this.closed || this.connected.has(direction) || this.timers.has(direction)) return;
    this.timers.set(
      direction,
      setTimeout(() => {
        this.timers.delete(direction);
        if (!this.closed && !this.connected.has(direction)) this.onTimeout(direction);
      }, this.timeoutMs),
    );
  }

  /** Records a connection state and says what it means for this transport. */
  observe(direction: TransportDirection, state: TransportState): FirstConnectVerdict {
    if (state === 'connected') {
      this.connected.add(direction);
      this.clearTimer(direction);
      return 'connected';
    }
    if (state === 'failed') {
      this.clearTimer(direction);
      return this.connected.has(direction) ? 'failedAfterConnecting' : 'failedBeforeConnecting';
    }
    return 'other';
  }

  everConnected(direction: TransportDirection): boolean {
    return this.connected.has(direction);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private clearTimer(direction: TransportDirection): void {
    const t = this.timers.get(direction);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(direction);
  }
}
