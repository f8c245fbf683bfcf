// Creating the send and receive WebRTC transports of one link (docs/protocol.md "Call flow"
// step 3): the server's `createWebRtcTransport`, mediasoup-client's transport, and its
// `connect` and `produce` events wired to `connectWebRtcTransport` and `produce`.
import type { types as ms } from 'mediasoup-client';
import type { ProducerSource } from '../signaling/protocol';
import type { CallLink } from './CallLink';
import type { TransportDirection, TransportState } from './callState';

/** How the browser may reach the server: the join response's ICE servers, and a policy. */
export interface IceOptions {
  iceServers: RTCIceServer[];
  /** 'relay' sends everything through a TURN server (the `?ice=relay` page parameter). */
  iceTransportPolicy?: RTCIceTransportPolicy;
}

export interface TransportEvents {
  /** Throws when the link was replaced or the call left while the server answered. */
  assertLive(): void;
  /** mediasoup-client starts connecting the transport (its first produce or consume). */
  connecting(): void;
  /** The transport's connection state changed. */
  stateChanged(state: TransportState): void;
  /** ICE gathering finished: every local candidate the browser could find is known. */
  gatheringComplete(): void;
}

export async function createTransport(
  link: CallLink,
  direction: TransportDirection,
  ice: IceOptions,
  events: TransportEvents,
): Promise<ms.Transport> {
  const device = link.device!;
  const info = await link.signaling.request('createWebRtcTransport', { direction });
  events.assertLive();
  const options: ms.TransportOptions = {
    id: info.id,
    iceParameters: info.iceParameters,
    iceCandidates: info.iceCandidates,
    dtlsParameters: info.dtlsParameters,
    iceServers: ice.iceServers,
    ...(ice.iceTransportPolicy ? { iceTransportPolicy: ice.iceTransportPolicy } : {}),
  };
  const transport = direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    events.connecting();
    // link.signaling, not the socket of creation: a resume may have replaced it.
    link.signaling
      .request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters })
      .then(() => callback(), (err: Error) => errback(err));
  });
  transport.on('connectionstatechange', (state) => events.stateChanged(state as TransportState));
  transport.on('icegatheringstatechange', (state) => {
    if (state === 'complete') events.gatheringComplete();
  });
  if (direction === 'send') {
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const source = (appData as { source?: ProducerSource }).source;
      link.signaling
        .request('produce', {
          transportId: transport.id,
          kind,
          rtpParameters,
          ...(source ? { appData: { source } } : {}),
        })
        .then(({ id }) => callback({ id }), (err: Error) => errback(err));
    });
    link.sendTransport = transport;
  } else {
    link.recvTransport = transport;
  }
  return transport;
}
