// Receiving (docs/protocol.md "Call flow" step 5): one consumer per remote producer, and
// the notifications that add, pause or remove producers, consumers and peers. Producers
// close and peers leave while a consume is in flight; the link's bookkeeping (gone
// producers, consumers closed early) keeps such a consumer from ever being shown.
import type { types as ms } from 'mediasoup-client';
import type { LanguageChoice, Notification, ProducerInfo } from '../signaling/protocol';
import { isTranslationProducer, wantsTranslationVoice } from '../translation/voiceSelection';
import type { CallLink } from './CallLink';
import type { CallAction, CallState } from './callState';
import { describeError } from './describeError';

/** What receiving needs from the session. */
export interface RemoteMediaHost {
  state(): CallState;
  dispatch(action: CallAction): void;
  warn(code: string, message: string): void;
  /** Events and results of a replaced or closed link are ignored. */
  isCurrent(link: CallLink): boolean;
  /** The join allows receiving. */
  canSubscribe(): boolean;
  /** The language settings the server knows, for translated voices. */
  languageChoice(): LanguageChoice;
}

export class RemoteMedia {
  private nextLocalMid = 0;

  constructor(private readonly host: RemoteMediaHost) {}

  /** consume -> recvTransport.consume -> resumeConsumer (the consumer starts paused). */
  async consume(link: CallLink, pr: ProducerInfo): Promise<void> {
    const state = this.host.state();
    if (pr.peerId === state.selfPeerId || link.consumedProducers.has(pr.id)) return;
    if (!this.host.canSubscribe()) return;
    const translation = isTranslationProducer(pr);
    // A translated voice is received only in our caption language, with voice on.
    if (translation && !wantsTranslationVoice(pr, this.host.languageChoice(), this.host.state().selfPeerId)) return;
    link.consumedProducers.add(pr.id);
    try {
      await link.recvReady;
      if (!this.host.isCurrent(link) || link.goneProducers.has(pr.id)) return;
      const signaling = link.signaling;
      const transport = link.recvTransport!;
      const res = await signaling.request('consume', { transportId: transport.id, producerId: pr.id });
      if (!this.host.isCurrent(link)) return;
      const consumer = await transport.consume({
        id: res.id,
        producerId: res.producerId,
        kind: res.kind,
        rtpParameters: this.withMid(res.rtpParameters),
        // mediasoup-client names the remote stream after the CNAME, which a rid-simulcast producer
        // may leave empty (Chrome puts no a=ssrc lines in its offer): "a=msid: <track>" is refused.
        streamId: res.rtpParameters.rtcp?.cname || pr.peerId,
        appData: { peerId: pr.peerId, source: pr.source },
      });
      const voiceInfo = translation ? { language: pr.language, speakerPeerId: pr.speakerPeerId ?? pr.peerId } : {};
      if (!this.host.isCurrent(link) || link.closedConsumerIds.has(consumer.id) || link.goneProducers.has(pr.id)) {
        consumer.close();
        return;
      }
      const type = res.type ? { type: res.type } : {};
      link.consumers.set(consumer.id, { consumer, peerId: pr.peerId, source: pr.source, ...voiceInfo, ...type });
      // The choice changed while we consumed: keep it, paused (the server's side starts paused).
      const unwanted = translation && !wantsTranslationVoice(pr, this.host.languageChoice(), this.host.state().selfPeerId);
      if (unwanted) consumer.pause();
      if (res.producerPaused !== pr.paused) {
        this.host.dispatch({ type: 'producerPausedChanged', producerId: pr.id, peerId: pr.peerId, paused: res.producerPaused });
      }
      this.host.dispatch({
        type: 'consumerAdded',
        consumer: {
          id: consumer.id,
          producerId: pr.id,
          peerId: pr.peerId,
          kind: res.kind,
          source: pr.source,
          track: consumer.track,
          ...voiceInfo,
          ...(unwanted ? { paused: true } : {}),
        },
      });
      if (unwanted) return;
      await signaling.request('resumeConsumer', { consumerId: consumer.id });
    } catch (err) {
      link.consumedProducers.delete(pr.id);
      if (!this.host.isCurrent(link) || link.goneProducers.has(pr.id)) return;
      this.host.warn('consume_failed', `Could not receive ${pr.kind} from a participant: ${describeError(err)}`);
    }
  }

  /**
   * mediasoup-client derives a missing `mid` from its transceiver count, which repeats
   * when consumers are created in one batch or after one closes ("Duplicate a=mid").
   * A server that leaves `mid` out cannot be writing a MID header extension of its own,
   * so any unique value of ours is safe.
   */
  private withMid(rtp: ms.RtpParameters): ms.RtpParameters {
    if (rtp.mid !== undefined && rtp.mid !== '') return rtp;
    return { ...rtp, mid: `c${this.nextLocalMid++}` };
  }

  /** Peers leaving, producers and consumers; other notifications are not for us. */
  onNotification(link: CallLink, n: Notification): void {
    switch (n.method) {
      case 'peerLeft':
        for (const [id, e] of link.consumers) {
          if (e.peerId === n.data.peerId) this.closeConsumer(link, id);
        }
        for (const pid of Object.keys(this.host.state().peers[n.data.peerId]?.producers ?? {})) link.goneProducers.add(pid);
        this.host.dispatch({ type: 'peerLeft', peerId: n.data.peerId });
        break;
      case 'newProducer':
        this.host.dispatch({ type: 'producerAdded', producer: n.data });
        // Before the recv transport exists, consume() waits for it.
        void this.consume(link, n.data);
        break;
      case 'producerClosed':
        link.goneProducers.add(n.data.producerId);
        for (const [id, e] of link.consumers) {
          if (e.consumer.producerId === n.data.producerId) this.closeConsumer(link, id);
        }
        this.host.dispatch({ type: 'producerClosed', producerId: n.data.producerId, peerId: n.data.peerId });
        break;
      case 'producerPaused':
      case 'producerResumed':
        this.host.dispatch({
          type: 'producerPausedChanged',
          producerId: n.data.producerId,
          peerId: n.data.peerId,
          paused: n.method === 'producerPaused',
        });
        break;
      case 'consumerClosed':
        if (link.consumers.has(n.data.consumerId)) this.closeConsumer(link, n.data.consumerId);
        else link.closedConsumerIds.add(n.data.consumerId);
        break;
      default:
        break;
    }
  }

  private closeConsumer(link: CallLink, consumerId: string): void {
    const entry = link.consumers.get(consumerId);
    link.consumers.delete(consumerId);
    entry?.consumer.close();
    this.host.dispatch({ type: 'consumerClosed', consumerId });
  }
}
