// What a resumed call missed while its socket was gone (docs/protocol.md "Reconnect"). The
// server does not queue notifications for a dropped socket; the `resume` response lists the
// room as it is now, and this turns the difference into the notifications that would have
// said so. Feeding them through the usual handlers closes stale consumers and consumes new
// producers exactly as live notifications do. Pure functions.
import type { Notification, ResumeResponse } from '../signaling/protocol';
import type { CallState } from './callState';

/** A consumer the page holds, by its id and its producer's. */
export interface HeldConsumer {
  id: string;
  producerId: string;
}

/**
 * The notifications, in an order the handlers accept, that bring `state` to the response.
 * `consumed`: producers the page consumes or is consuming; any other listed producer is
 * announced again (a consume that failed with the old socket is retried).
 */
export function reconcileNotifications(
  state: CallState,
  consumers: Iterable<HeldConsumer>,
  consumed: ReadonlySet<string>,
  res: ResumeResponse,
): Notification[] {
  const out: Notification[] = [];
  const listed = new Map(res.peers.filter((p) => p.id !== res.peerId).map((p) => [p.id, p]));
  // The server closed these (producer closed or its peer left); consumerClosed first, so the
  // media goes before the tiles change.
  const live = new Set(res.consumers);
  for (const c of consumers) {
    if (!live.has(c.id)) out.push({ method: 'consumerClosed', data: { consumerId: c.id, producerId: c.producerId } });
  }
  for (const peer of Object.values(state.peers)) {
    const now = listed.get(peer.id);
    if (!now) {
      out.push({ method: 'peerLeft', data: { peerId: peer.id } });
      continue;
    }
    const current = new Map(now.producers.map((p) => [p.id, p]));
    for (const pr of Object.values(peer.producers)) {
      const still = current.get(pr.id);
      if (!still) out.push({ method: 'producerClosed', data: { producerId: pr.id, peerId: pr.peerId } });
      else if (still.paused !== pr.paused) {
        out.push({ method: still.paused ? 'producerPaused' : 'producerResumed', data: { producerId: pr.id, peerId: pr.peerId } });
      }
    }
    if ((now.reconnecting ?? false) !== (peer.reconnecting ?? false)) {
      out.push({ method: 'peerConnectionState', data: { peerId: peer.id, state: now.reconnecting ? 'reconnecting' : 'connected' } });
    }
  }
  for (const p of listed.values()) {
    const known = state.peers[p.id];
    if (!known) {
      out.push({ method: 'peerJoined', data: { id: p.id, displayName: p.displayName, ...(p.languages ? { languages: p.languages } : {}) } });
      if (p.reconnecting) out.push({ method: 'peerConnectionState', data: { peerId: p.id, state: 'reconnecting' } });
    }
    for (const pr of p.producers) {
      if (!known?.producers[pr.id] || !consumed.has(pr.id)) out.push({ method: 'newProducer', data: pr });
    }
  }
  return out;
}

/** Our own objects the page still uses. */
export interface HeldOwn {
  transports: string[];
  producers: string[];
}

/**
 * Ids of ours the server no longer has. Non-empty means the resumed peer cannot carry on as
 * it is (e.g. a transport closed for lost ICE consent), and a full rejoin is the way back.
 */
export function missingOwnObjects(own: HeldOwn, res: ResumeResponse): string[] {
  const have = new Set([...res.transports, ...res.producers.map((p) => p.id)]);
  return [...own.transports, ...own.producers].filter((id) => !have.has(id));
}
