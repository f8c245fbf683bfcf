// Wire types for docs/protocol.md (signaling protocol v1). Keep in sync with that file.
import type { types as msTypes } from 'mediasoup-client';

export type MediaKind = 'audio' | 'video';
export type ProducerSource = 'mic' | 'webcam' | 'screen';

export interface ProducerInfo {
  id: string;
  peerId: string;
  kind: MediaKind;
  source: ProducerSource;
  paused: boolean;
}

export interface PeerInfo {
  id: string;
  displayName: string;
  producers: ProducerInfo[];
}

export interface TransportInfo {
  id: string;
  iceParameters: msTypes.IceParameters;
  iceCandidates: msTypes.IceCandidate[];
  dtlsParameters: msTypes.DtlsParameters;
}

/** Request method -> [request data, response data]. */
export interface RequestMap {
  getRouterRtpCapabilities: [Record<string, never>, { rtpCapabilities: msTypes.RtpCapabilities }];
  join: [
    {
      roomId: string;
      displayName: string;
      rtpCapabilities: msTypes.RtpCapabilities;
      /** A signed join token; required when the server has a token secret. */
      token?: string;
      /** Sets the room's passcode when this join creates the room; proves it otherwise. */
      passcode?: string;
    },
    {
      peerId: string;
      roomId: string;
      /** The name the server uses (a token's name wins over ours). */
      displayName?: string;
      permissions?: JoinPermissions;
      peers: PeerInfo[];
      iceServers: RTCIceServer[];
    },
  ];
  leave: [Record<string, never>, Record<string, never>];
  createWebRtcTransport: [{ direction: 'send' | 'recv' }, TransportInfo];
  connectWebRtcTransport: [
    { transportId: string; dtlsParameters: msTypes.DtlsParameters },
    Record<string, never>,
  ];
  produce: [
    {
      transportId: string;
      kind: MediaKind;
      rtpParameters: msTypes.RtpParameters;
      appData?: { source?: ProducerSource };
    },
    { id: string },
  ];
  pauseProducer: [{ producerId: string }, Record<string, never>];
  resumeProducer: [{ producerId: string }, Record<string, never>];
  closeProducer: [{ producerId: string }, Record<string, never>];
  consume: [
    { transportId: string; producerId: string },
    {
      id: string;
      producerId: string;
      kind: MediaKind;
      rtpParameters: msTypes.RtpParameters;
      producerPaused: boolean;
    },
  ];
  resumeConsumer: [{ consumerId: string }, Record<string, never>];
  pauseConsumer: [{ consumerId: string }, Record<string, never>];
  chat: [{ text: string }, { id: string; timestamp: number }];
}

export type RequestMethod = keyof RequestMap;
export type RequestData<M extends RequestMethod> = RequestMap[M][0];
export type ResponseData<M extends RequestMethod> = RequestMap[M][1];

export interface ChatNotification {
  id: string;
  peerId: string;
  displayName: string;
  text: string;
  timestamp: number;
}

/** Notification method -> data. */
export interface NotificationMap {
  peerJoined: { id: string; displayName: string };
  peerLeft: { peerId: string };
  newProducer: ProducerInfo;
  producerClosed: { producerId: string; peerId: string };
  producerPaused: { producerId: string; peerId: string };
  producerResumed: { producerId: string; peerId: string };
  consumerClosed: { consumerId: string; producerId: string };
  chat: ChatNotification;
}

export type NotificationMethod = keyof NotificationMap;

export type Notification = {
  [M in NotificationMethod]: { method: M; data: NotificationMap[M] };
}[NotificationMethod];

/** What the join allows; everything in an open room. */
export interface JoinPermissions {
  publish: boolean;
  subscribe: boolean;
  chat: boolean;
}

export type ErrorCode =
  | 'bad_json'
  | 'invalid_request'
  | 'unknown_method'
  | 'not_joined'
  | 'already_joined'
  | 'not_found'
  | 'unsupported'
  | 'limit_exceeded'
  | 'rate_limited'
  | 'forbidden'
  | 'token_required'
  | 'token_invalid'
  | 'token_expired'
  | 'passcode_required'
  | 'bad_passcode'
  | 'internal';

/** Codes produced on the client side (never sent by the server). */
export type ClientErrorCode = 'timeout' | 'closed' | 'not_connected' | 'protocol';

export const MAX_FRAME_BYTES = 64 * 1024;
export const MAX_CHAT_LENGTH = 2000;
export const MAX_DISPLAY_NAME_LENGTH = 64;

/** Length limits in protocol.md carry no unit; the client counts UTF-8 bytes (the stricter reading). */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
