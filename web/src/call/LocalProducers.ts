// Our microphone and camera as producers on the current link (docs/protocol.md `produce`,
// `pauseProducer`, `resumeProducer`): sent after every join, kept in the on/off state the
// user chose across rejoins, and muted or unmuted on the server as well as locally.
import type { types as ms } from 'mediasoup-client';
import type { CallLink } from './CallLink';
import type { CallAction, CallState } from './callState';
import { describeError as describe } from './describeError';
import { live } from './localMedia';
import { produceCamera } from './simulcast';

/** What sending the local devices needs from the session. */
export interface LocalProducersHost {
  /** The current link (a reconnect replaces it). */
  link(): CallLink | undefined;
  isCurrent(link: CallLink): boolean;
  /** The call is over: nothing more is sent. */
  ended(): boolean;
  state(): CallState;
  dispatch(action: CallAction): void;
  warn(code: string, message: string): void;
  /** Sends the shared screen on `link`, if one is shared (ScreenShare.sendOn). */
  sendScreen(link: CallLink): Promise<void>;
}

export class LocalProducers {
  constructor(private readonly host: LocalProducersHost) {}

  /**
   * Sends the microphone and camera, and the screen if one is shared. On a rejoin the same
   * tracks are sent again, and a device the user had turned off is paused straight away so
   * it stays off for everyone.
   */
  async send(link: CallLink, stream: MediaStream | undefined, rejoin: boolean): Promise<void> {
    const host = this.host;
    if (!host.isCurrent(link)) return;
    const transport = link.sendTransport!;
    const device = link.device!;
    const audio = live(stream?.getAudioTracks()[0]);
    const video = live(stream?.getVideoTracks()[0]);
    if (video && !rejoin) host.dispatch({ type: 'localMedia', patch: { videoTrack: video } });

    const produce = async (track: MediaStreamTrack, source: 'mic' | 'webcam'): Promise<void> => {
      const key = source === 'mic' ? 'micOn' : 'camOn';
      const wantOn = rejoin ? host.state().local[key] : true;
      // A producer paused on the old link disabled this track; enable it to match.
      track.enabled = wantOn;
      try {
        const options = { track, appData: { source }, stopTracks: false };
        const producer = source === 'webcam' ? await produceCamera(transport, options) : await transport.produce(options);
        if (!host.isCurrent(link)) return;
        if (source === 'mic') link.micProducer = producer;
        else link.camProducer = producer;
        if (rejoin) {
          if (!host.state().local[key]) await this.pauseNewProducer(link, producer);
        } else {
          host.dispatch({
            type: 'localMedia',
            patch: source === 'mic' ? { micOn: true, micAvailable: true } : { camOn: true, camAvailable: true },
          });
        }
      } catch (err) {
        if (!host.isCurrent(link)) return;
        host.warn('produce_failed', `Could not send your ${source === 'mic' ? 'microphone' : 'camera'}: ${describe(err)}`);
      }
    };

    const tasks: Promise<void>[] = [];
    if (audio && device.canProduce('audio')) tasks.push(produce(audio, 'mic'));
    if (video && device.canProduce('video')) tasks.push(produce(video, 'webcam'));
    // From here on a screen shared later is sent by ScreenShare.start itself.
    link.localProduced = true;
    tasks.push(host.sendScreen(link));
    await Promise.all(tasks);
  }

  /** Turns the microphone or camera on or off, here and on the server. */
  async setEnabled(which: 'mic' | 'cam', on: boolean): Promise<void> {
    const host = this.host;
    if (host.ended()) return;
    const key = which === 'mic' ? 'micOn' : 'camOn';
    const link = host.link();
    const producer = which === 'mic' ? link?.micProducer : link?.camProducer;
    if (!link || link.closed || !producer || producer.closed) {
      // While reconnecting only the wish is kept; the rejoin sends the device in that state.
      const available = which === 'mic' ? host.state().local.micAvailable : host.state().local.camAvailable;
      if (host.state().phase === 'reconnecting' && available) host.dispatch({ type: 'localMedia', patch: { [key]: on } });
      return;
    }
    if (on === !producer.paused) return;
    // Local first: the button reacts at once and no more media is sent.
    if (on) producer.resume();
    else producer.pause();
    host.dispatch({ type: 'localMedia', patch: { [key]: on } });
    try {
      await link.signaling.request(on ? 'resumeProducer' : 'pauseProducer', { producerId: producer.id });
    } catch (err) {
      // The link went away meanwhile: the wish stands and a rejoin applies it.
      if (!host.isCurrent(link)) return;
      // The server did not follow: put the local side back so both agree.
      if (on) producer.pause();
      else producer.resume();
      host.dispatch({ type: 'localMedia', patch: { [key]: !on } });
      host.warn('toggle_failed', `Could not turn ${which === 'mic' ? 'microphone' : 'camera'} ${on ? 'on' : 'off'}: ${describe(err)}`);
    }
  }

  private async pauseNewProducer(link: CallLink, producer: ms.Producer): Promise<void> {
    producer.pause();
    await link.signaling.request('pauseProducer', { producerId: producer.id });
  }
}
