// Everything that belongs to one peer on the server: the socket, the mediasoup Device,
// both transports, our producers and our consumers. When only the socket drops, a resume
// keeps the link and swaps its socket (SessionResume.ts); when the peer is gone on the
// server, a reconnect throws the link away whole and builds a new one.
import type { Device, types as ms } from 'mediasoup-client';
import type { SignalingClient } from '../signaling/SignalingClient';
import { SignalingError } from '../signaling/SignalingError';
import type { ConsumerType, ProducerSource } from '../signaling/protocol';
import type { FirstConnectWatch } from './mediaConnect';

export interface ConsumerEntry {
  consumer: ms.Consumer;
  peerId: string;
  source: ProducerSource;
  /** Translated voices: the language spoken and whose speech it is. */
  language?: string;
  speakerPeerId?: string;
  /** The server's consumer type; a "simulcast" one takes setConsumerPreferredLayers. */
  type?: ConsumerType;
}

let nextLinkId = 1;

export class CallLink {
  readonly id = nextLinkId++;
  device: Device | undefined;
  sendTransport: ms.Transport | undefined;
  recvTransport: ms.Transport | undefined;
  micProducer: ms.Producer | undefined;
  camProducer: ms.Producer | undefined;
  screenProducer: ms.Producer | undefined;
  /** Set once the link starts sending our media; a screen shared later is sent on its own. */
  localProduced = false;
  /** Whether each transport ever connected, with the deadline for its first connection. */
  firstConnect: FirstConnectWatch | undefined;
  /** A transport of this link could not connect at all (reported once per link). */
  mediaUnreachable = false;
  readonly consumers = new Map<string, ConsumerEntry>();
  /** Producer ids we consume or are about to consume; guards against consuming twice. */
  readonly consumedProducers = new Set<string>();
  /** Consumers the server closed while our consume() was still in flight. */
  readonly closedConsumerIds = new Set<string>();
  readonly goneProducers = new Set<string>();
  /** Settles when the recv transport exists; newProducer may arrive before that. */
  readonly recvReady: Promise<void>;
  /** True once the server answered `join` on this link. */
  joined = false;
  /** Our peer id and the token that lets a new socket resume it (absent: the server keeps no peers). */
  peerId: string | undefined;
  resumeToken: string | undefined;
  private settleRecvReady: (ok: boolean) => void = () => {};
  private isClosed = false;
  private receiveClosed = false;

  constructor(private current: SignalingClient) {
    this.recvReady = new Promise<void>((resolve, reject) => {
      this.settleRecvReady = (ok) => (ok ? resolve() : reject(new SignalingError('closed', 'No receive transport')));
    });
    this.recvReady.catch(() => {});
  }

  /** The socket in use now; a resume replaces it. */
  get signaling(): SignalingClient {
    return this.current;
  }

  /** A resumed socket takes over; the dropped one is closed (a no-op if it already is). */
  useSignaling(next: SignalingClient): void {
    const previous = this.current;
    this.current = next;
    if (previous !== next) previous.close();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  markRecvReady(ok: boolean): void {
    this.settleRecvReady(ok);
  }

  /**
   * Frees the media objects and closes the socket. Local tracks keep running: producers
   * are made with `stopTracks: false`, so the next link can send the same tracks.
   * `keepReceiving` leaves the consumers and the recv transport open: with the server gone
   * no frame arrives, so each tile holds its last frame until `close()` is called again.
   */
  close(options: { keepReceiving?: boolean } = {}): void {
    if (!this.isClosed) {
      this.isClosed = true;
      this.settleRecvReady(false);
      this.micProducer?.close();
      this.camProducer?.close();
      this.screenProducer?.close();
      this.firstConnect?.close();
      this.sendTransport?.close();
      this.signaling.close();
    }
    if (options.keepReceiving || this.receiveClosed) return;
    this.receiveClosed = true;
    for (const e of this.consumers.values()) e.consumer.close();
    this.consumers.clear();
    this.recvTransport?.close();
  }
}
