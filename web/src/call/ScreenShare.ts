// Sharing the screen (docs/protocol.md `produce` with `appData.source: "screen"`): the
// capture, sent as a second video producer on the current link and again after a rejoin,
// and closed for everyone (`closeProducer`) however the share ends: our button, the
// preview's stop control, or the browser's own "Stop sharing".
import type { types as ms } from 'mediasoup-client';
import type { CallLink } from './CallLink';
import type { CallAction } from './callState';
import { describeError } from './describeError';
import { live } from './localMedia';
import { ScreenCapture, type GetDisplayMedia } from './ScreenCapture';

/** What sharing needs from the session. */
export interface ScreenShareHost {
  /** The current link (a reconnect replaces it). */
  link(): CallLink | undefined;
  isCurrent(link: CallLink): boolean;
  /** In the call now, and allowed to publish. */
  canShare(): boolean;
  /** The call is over: nothing more is shown or sent. */
  ended(): boolean;
  dispatch(action: CallAction): void;
  warn(code: string, message: string): void;
}

export class ScreenShare {
  private readonly capture: ScreenCapture;

  constructor(
    getDisplayMedia: GetDisplayMedia | undefined,
    private readonly host: ScreenShareHost,
  ) {
    this.capture = new ScreenCapture(getDisplayMedia);
  }

  /** The browser can capture a screen at all. */
  get supported(): boolean {
    return this.capture.supported;
  }

  /** The screen being shared now. */
  get track(): MediaStreamTrack | undefined {
    return this.capture.track;
  }

  /**
   * Asks the browser for a screen (its picker), then sends it. Cancelling the picker is not
   * an error.
   */
  async start(): Promise<void> {
    if (this.capture.busy || !this.capture.supported || !this.host.canShare()) return;
    const result = await this.capture.start(() => void this.stop());
    if (result.kind === 'cancelled') return;
    if (result.kind === 'failed') {
      this.host.warn('screen_share_failed', `Could not share your screen: ${result.message}`);
      return;
    }
    if (this.host.ended()) {
      this.capture.stop();
      return;
    }
    this.host.dispatch({ type: 'localMedia', patch: { screenTrack: result.track } });
    const link = this.host.link();
    // A link that has not sent our media yet sends the screen with it (sendOn).
    if (link && this.host.isCurrent(link) && link.localProduced) await this.produce(link, result.track);
  }

  /** Ends the capture and closes the producer for everyone. */
  async stop(): Promise<void> {
    if (!this.capture.stop()) return;
    if (!this.host.ended()) this.host.dispatch({ type: 'localMedia', patch: { screenTrack: undefined } });
    const link = this.host.link();
    const producer = link?.screenProducer;
    if (!link || !producer) return;
    link.screenProducer = undefined;
    await this.closeProducer(link, producer);
  }

  /** Sends the screen being shared, if any, on a link that starts sending our media (a join or rejoin). */
  async sendOn(link: CallLink): Promise<void> {
    const track = live(this.capture.track);
    if (track) await this.produce(link, track);
  }

  /** The call is over: the capture ends; the link's close takes the producer with it. */
  release(): void {
    this.capture.stop();
  }

  /** Sends the shared screen as a second video producer (`source: "screen"`). */
  private async produce(link: CallLink, track: MediaStreamTrack): Promise<void> {
    if (!this.host.isCurrent(link) || link.screenProducer) return;
    if (!link.device?.canProduce('video')) {
      this.host.warn('produce_failed', 'Could not share your screen: this browser cannot send video to the server');
      return;
    }
    let producer: ms.Producer;
    try {
      producer = await link.sendTransport!.produce({ track, appData: { source: 'screen' }, stopTracks: false });
    } catch (err) {
      if (!this.host.isCurrent(link) || this.capture.track !== track) return;
      this.host.warn('produce_failed', `Could not share your screen: ${describeError(err)}`);
      // Nobody can see it: let the capture go rather than keep a "presenting" that is not.
      void this.stop();
      return;
    }
    if (!this.host.isCurrent(link)) {
      producer.close();
      return;
    }
    if (this.capture.track !== track) {
      // Stopped while the server was creating it.
      await this.closeProducer(link, producer);
      return;
    }
    link.screenProducer = producer;
  }

  private async closeProducer(link: CallLink, producer: ms.Producer): Promise<void> {
    producer.close();
    if (!this.host.isCurrent(link)) return;
    try {
      await link.signaling.request('closeProducer', { producerId: producer.id });
    } catch (err) {
      // Gone meanwhile: the server closed it with the link.
      if (this.host.isCurrent(link)) this.host.warn('close_failed', `Could not stop sending your screen: ${describeError(err)}`);
    }
  }
}
