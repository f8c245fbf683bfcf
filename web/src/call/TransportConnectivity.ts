// Whether the media transports of a link connect, and what the session does when they do
// not: a transport that never connects warns the user (mediaConnect.ts) and rejoins once for
// fresh TURN credentials; one that fails after connecting is left to an ICE restart
// (iceRestart.ts) or, failing that, treated like a lost socket.
import type { types as ms } from 'mediasoup-client';
import type { CallLink } from './CallLink';
import type { CallAction, TransportDirection, TransportState } from './callState';
import { FirstConnectWatch, MEDIA_CONNECT_FAILED, mediaConnectFailureMessage } from './mediaConnect';
import { readLocalCandidateCount } from './mediaStats';
import { createTransport, type IceOptions } from './transports';

/** What watching the transports needs from the session. */
export interface TransportConnectivityHost {
  isCurrent(link: CallLink): boolean;
  /** Throws when the link was replaced or the call left. */
  assertLive(link: CallLink): void;
  dispatch(action: CallAction): void;
  warn(code: string, message: string): void;
  /** Tells the ICE restart controller the new state; true while it restarts ICE for it. */
  observeIceRestart(link: CallLink, direction: TransportDirection, state: TransportState): boolean;
  /** Media of a joined link is gone: reconnect the way a lost socket does. */
  linkLost(link: CallLink, reason: string): void;
}

export class TransportConnectivity {
  /** Links in a row whose media never connected; a second one stops rejoining for it. */
  private unreachableLinks = 0;

  constructor(private readonly host: TransportConnectivityHost) {}

  /** Gives the link's transports `timeoutMs` to connect for the first time. */
  watchFirstConnect(link: CallLink, ice: IceOptions, timeoutMs: number): void {
    link.firstConnect = new FirstConnectWatch(timeoutMs, (direction) => this.onMediaUnreachable(link, direction, ice, false));
  }

  /** Creates one transport of `link`, its connection state watched from the start. */
  create(link: CallLink, direction: TransportDirection, ice: IceOptions): Promise<ms.Transport> {
    return createTransport(link, direction, ice, {
      assertLive: () => this.host.assertLive(link),
      connecting: () => link.firstConnect?.started(direction),
      stateChanged: (state) => this.onTransportState(link, direction, state, ice),
      gatheringComplete: () => void this.checkGathered(link, direction, ice),
    });
  }

  /**
   * Gathering ended without a single local candidate: this transport can never connect, and
   * the browser never says `failed` for it (ICE stays `new`). Seen with relay-only ICE when
   * the TURN server refuses the credential.
   */
  private async checkGathered(link: CallLink, direction: TransportDirection, ice: IceOptions): Promise<void> {
    const transport = direction === 'send' ? link.sendTransport : link.recvTransport;
    if (!transport || !this.host.isCurrent(link) || link.firstConnect?.everConnected(direction)) return;
    const candidates = await readLocalCandidateCount(transport);
    if (candidates === 0 && !link.firstConnect?.everConnected(direction)) this.onMediaUnreachable(link, direction, ice, true);
  }

  private onTransportState(link: CallLink, direction: TransportDirection, state: TransportState, ice: IceOptions): void {
    if (!this.host.isCurrent(link)) return;
    this.host.dispatch({ type: 'transportState', direction, state });
    const verdict = link.firstConnect?.observe(direction, state) ?? 'other';
    const iceRestarting = this.host.observeIceRestart(link, direction, state);
    if (verdict === 'connected') {
      this.unreachableLinks = 0;
      // Media got through after all (a slow first connect): the warning no longer holds.
      this.host.dispatch({ type: 'clearErrors', code: MEDIA_CONNECT_FAILED });
    } else if (verdict === 'failedBeforeConnecting') {
      this.onMediaUnreachable(link, direction, ice, true);
    } else if (state === 'failed' && !iceRestarting) {
      // ICE consent lost (server gone, network changed): the same way back as a lost socket.
      this.host.linkLost(link, `Media connection failed (${direction} transport)`);
    }
  }

  /**
   * A transport of this link never connected: it failed (`failed`) or ran out of time. The
   * user is told why media is missing. A failure rejoins once, which brings fresh TURN
   * credentials; when the next link cannot connect either, rejoining again would only
   * repeat it, so the call stays as it is (signaling, chat and captions still work).
   */
  private onMediaUnreachable(link: CallLink, direction: TransportDirection, ice: IceOptions, failed: boolean): void {
    if (!this.host.isCurrent(link)) return;
    if (!link.mediaUnreachable) {
      link.mediaUnreachable = true;
      this.unreachableLinks++;
      this.host.warn(MEDIA_CONNECT_FAILED, mediaConnectFailureMessage(ice));
    }
    if (failed && this.unreachableLinks < 2) this.host.linkLost(link, `Media connection failed (${direction} transport)`);
  }
}
