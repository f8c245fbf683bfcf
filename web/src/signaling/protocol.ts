// Wire types for docs/protocol.md (signaling protocol v1). Keep in sync with that file.
import type { types as msTypes } from 'mediasoup-client';

export type MediaKind = 'audio' | 'video';
/** What a consumer forwards: one stream, or one layer of a simulcast producer. */
export type ConsumerType = 'simple' | 'simulcast';
/** `translation`: a synthesized voice speaking one peer's speech in another language. */
export type ProducerSource = 'mic' | 'webcam' | 'screen' | 'translation';

export interface ProducerInfo {
  id: string;
  /** For a translation producer: the speaker's peer id. */
  peerId: string;
  kind: MediaKind;
  source: ProducerSource;
  paused: boolean;
  /** Translation producers only: the language the voice speaks (ISO 639-1). */
  language?: string;
  /** Translation producers only: the peer whose speech it translates. */
  speakerPeerId?: string;
}

/** What a person speaks, wants captions in, and whether translations are spoken to them. */
export interface LanguageChoice {
  /** ISO 639-1 code of the language the person speaks. */
  speak: string;
  /** ISO 639-1 code of the language captions are shown in. */
  captions: string;
  /** "Speak translations to me". */
  voice: boolean;
}

export interface LanguageName {
  code: string;
  /** English name. */
  name: string;
  /** The language's own name for itself, when the server knows it. */
  nativeName?: string;
}

export interface TranslationCapabilities {
  /** Languages with a speech recogniser. */
  speechLanguages: LanguageName[];
  /** Languages captions can be shown in; `via` lists pivot languages when not direct. */
  captionLanguages: Array<LanguageName & { via?: string[] }>;
  /** Languages the translated voice can speak. */
  voices: Array<{ language: string; engine: string }>;
  /** Everything a person may say they speak. */
  allLanguages: LanguageName[];
  /** A plain statement of the limits, shown in the settings panel. */
  note: string;
}

export interface CaptionTranslation {
  language: string;
  text: string;
  via: string[];
}

export interface CaptionNotification {
  utteranceId: string;
  speakerPeerId: string;
  speakerName: string;
  final: boolean;
  /** What was spoken. */
  language: string;
  /** The original text. */
  text: string;
  /** Present when the listener's caption language differs and a route exists. */
  translation?: CaptionTranslation;
  /** ms since the Unix epoch. */
  timestamp: number;
}

export interface TranscriptEntryWire {
  utteranceId: string;
  speakerPeerId: string;
  speakerName: string;
  language: string;
  text: string;
  translations: Record<string, { text: string; via: string[] }>;
  timestamp: number;
}

export interface PeerInfo {
  id: string;
  displayName: string;
  producers: ProducerInfo[];
  languages?: LanguageChoice;
  /** True while the peer's socket is gone and the server holds it for a resume. */
  reconnecting?: boolean;
}

/** `resume` response: the join response's fields plus what of ours still exists on the server. */
export interface ResumeResponse {
  peerId: string;
  roomId: string;
  displayName?: string;
  permissions?: JoinPermissions;
  peers: PeerInfo[];
  /** Our own producers, transports and consumers that survived the drop. */
  producers: ProducerInfo[];
  transports: string[];
  consumers: string[];
  /** Replaces the previous token, which no longer works. */
  resumeToken: string;
  iceServers: RTCIceServer[];
  translation?: TranslationCapabilities;
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
      languages?: LanguageChoice;
    },
    {
      peerId: string;
      roomId: string;
      /** The name the server uses (a token's name wins over ours). */
      displayName?: string;
      permissions?: JoinPermissions;
      peers: PeerInfo[];
      iceServers: RTCIceServer[];
      translation?: TranslationCapabilities;
      /** For `resume` after the socket drops; absent when the server does not keep peers. */
      resumeToken?: string;
    },
  ];
  /** First request of a new socket instead of `join`: takes over the same peer (docs/protocol.md "Reconnect"). */
  resume: [{ peerId: string; resumeToken: string }, ResumeResponse];
  leave: [Record<string, never>, Record<string, never>];
  createWebRtcTransport: [{ direction: 'send' | 'recv' }, TransportInfo];
  connectWebRtcTransport: [
    { transportId: string; dtlsParameters: msTypes.DtlsParameters },
    Record<string, never>,
  ];
  /** ICE restart (RFC 8445 §9): new ICE credentials for the same transport; DTLS is kept. */
  restartIce: [{ transportId: string }, { iceParameters: msTypes.IceParameters }];
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
      /** "simulcast": several spatial layers; setConsumerPreferredLayers picks one. Absent from older servers. */
      type?: ConsumerType;
    },
  ];
  resumeConsumer: [{ consumerId: string }, Record<string, never>];
  pauseConsumer: [{ consumerId: string }, Record<string, never>];
  /** Simulcast consumers only: the layers to forward (the server switches on the next keyframe). */
  setConsumerPreferredLayers: [{ consumerId: string; spatialLayer: number; temporalLayer?: number }, Record<string, never>];
  chat: [{ text: string }, { id: string; timestamp: number }];
  getTranslationCapabilities: [Record<string, never>, TranslationCapabilities];
  setLanguages: [LanguageChoice, Record<string, never>];
  getTranscript: [Record<string, never>, { entries: TranscriptEntryWire[] }];
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
  /** The sender's spoken language. */
  language?: string;
  /** The text in this reader's caption language, when it differs and a route exists. */
  translation?: CaptionTranslation;
}

/** A speaking peer's smoothed microphone level in dBov: -127 (silence) .. 0 (loudest). */
export interface AudioLevel {
  peerId: string;
  level: number;
}

/** Notification method -> data. */
export interface NotificationMap {
  peerJoined: { id: string; displayName: string; languages?: LanguageChoice };
  peerLeft: { peerId: string };
  /** A peer's socket dropped (held for a resume) or came back. */
  peerConnectionState: { peerId: string; state: 'reconnecting' | 'connected' };
  newProducer: ProducerInfo;
  producerClosed: { producerId: string; peerId: string };
  producerPaused: { producerId: string; peerId: string };
  producerResumed: { producerId: string; peerId: string };
  consumerClosed: { consumerId: string; producerId: string };
  /** The spatial layer a simulcast consumer forwards now (null: none, e.g. the sender stopped it). */
  consumerLayersChanged: { consumerId: string; spatialLayer: number | null };
  /** The room's dominant speaker changed (null: nobody holds it now). */
  activeSpeaker: { peerId: string | null };
  /** Who is speaking now, every 250 ms while anyone is; one empty list when all went quiet. */
  audioLevels: { levels: AudioLevel[] };
  chat: ChatNotification;
  peerLanguages: LanguageChoice & { peerId: string };
  caption: CaptionNotification;
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
  | 'resume_failed'
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
