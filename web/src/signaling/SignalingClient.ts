import { Emitter } from '../common/Emitter';
import {
  MAX_FRAME_BYTES,
  type Notification,
  type NotificationMethod,
  type RequestData,
  type RequestMethod,
  type ResponseData,
} from './protocol';
import { SignalingError } from './SignalingError';

/** The part of the browser WebSocket the client uses; tests supply a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = (url: string) => WebSocketLike;

export interface SignalingClientOptions {
  url: string;
  createSocket?: SocketFactory;
  /** Time allowed for a response to a request. */
  requestTimeoutMs?: number;
  /** Time allowed for the WebSocket to open. */
  connectTimeoutMs?: number;
}

export interface SignalingCloseEvent {
  code: number;
  reason: string;
  /** True when close() was called by us. */
  byClient: boolean;
}

export interface SignalingEvents {
  notification: Notification;
  close: SignalingCloseEvent;
  /** A frame we could not use: not JSON, a response with id null, or an unknown shape. */
  protocolError: SignalingError;
}

export type SignalingState = 'idle' | 'connecting' | 'open' | 'closed';

interface PendingRequest {
  method: string;
  resolve: (data: unknown) => void;
  reject: (err: SignalingError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const WS_OPEN = 1;
const KNOWN_NOTIFICATIONS: ReadonlySet<string> = new Set<NotificationMethod>([
  'peerJoined',
  'peerLeft',
  'peerConnectionState',
  'newProducer',
  'producerClosed',
  'producerPaused',
  'producerResumed',
  'consumerClosed',
  'consumerLayersChanged',
  'chat',
  'peerLanguages',
  'caption',
  'activeSpeaker',
  'audioLevels',
]);

/** The WebSocket URL of the signaling endpoint for the page's own origin. */
export function signalingUrlFor(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`;
}

const defaultSocketFactory: SocketFactory = (url) => new WebSocket(url) as unknown as WebSocketLike;

/**
 * Request/response over one WebSocket, as in docs/protocol.md: each request carries an
 * integer id, and the response with the same id settles it. Notifications become events.
 */
export class SignalingClient extends Emitter<SignalingEvents> {
  private readonly url: string;
  private readonly createSocket: SocketFactory;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private socket: WebSocketLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, PendingRequest>();
  private closedByClient = false;
  private _state: SignalingState = 'idle';

  constructor(options: SignalingClientOptions) {
    super();
    this.url = options.url;
    this.createSocket = options.createSocket ?? defaultSocketFactory;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  }

  get state(): SignalingState {
    return this._state;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Opens the socket; resolves when it is open. */
  connect(): Promise<void> {
    if (this._state !== 'idle') {
      return Promise.reject(new SignalingError('protocol', `connect() called in state ${this._state}`));
    }
    this._state = 'connecting';
    return new Promise<void>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = this.createSocket(this.url);
      } catch (err) {
        this._state = 'closed';
        reject(new SignalingError('closed', `Cannot open ${this.url}: ${String(err)}`));
        return;
      }
      this.socket = socket;
      let opened = false;
      const timer = setTimeout(() => {
        if (opened) return;
        reject(new SignalingError('timeout', `Connecting to ${this.url} timed out`));
        this.closedByClient = true;
        this.teardown(4000, 'connect timeout');
        socket.close();
      }, this.connectTimeoutMs);

      socket.onopen = () => {
        opened = true;
        clearTimeout(timer);
        this._state = 'open';
        resolve();
      };
      socket.onerror = () => {
        // A close event always follows; it does the cleanup.
      };
      socket.onclose = (ev) => {
        clearTimeout(timer);
        if (!opened) {
          reject(new SignalingError('closed', `Could not connect to ${this.url} (code ${ev.code})`));
        }
        this.teardown(ev.code, ev.reason);
      };
      socket.onmessage = (ev) => this.handleFrame(ev.data);
    });
  }

  /** Sends a request; resolves with the response data or rejects with a SignalingError. */
  request<M extends RequestMethod>(
    method: M,
    data: RequestData<M>,
    options: { timeoutMs?: number } = {},
  ): Promise<ResponseData<M>> {
    const socket = this.socket;
    if (this._state !== 'open' || !socket || socket.readyState !== WS_OPEN) {
      return Promise.reject(new SignalingError('not_connected', 'Not connected to the server', method));
    }
    const id = this.nextId++;
    const frame = JSON.stringify({ request: true, id, method, data });
    // Count bytes, not UTF-16 units: the limit is on the frame as sent.
    if (new TextEncoder().encode(frame).length > MAX_FRAME_BYTES) {
      return Promise.reject(new SignalingError('frame_too_large', 'Request exceeds 64 KiB', method));
    }
    return new Promise<ResponseData<M>>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalingError('timeout', `No response after ${timeoutMs} ms`, method));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: resolve as (data: unknown) => void,
        reject,
        timer,
      });
      try {
        socket.send(frame);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new SignalingError('closed', `Send failed: ${String(err)}`, method));
      }
    });
  }

  /** Closes the socket; pending requests reject with code "closed". */
  close(code = 1000, reason = 'client closed'): void {
    if (this._state === 'closed') return;
    this.closedByClient = true;
    const socket = this.socket;
    this.teardown(code, reason);
    try {
      socket?.close(code, reason);
    } catch {
      // Already closing.
    }
  }

  /**
   * Closes the socket the way a lost network or a dead proxy would end it for the app: the
   * close event is not `byClient`, so the call treats it as a drop (e2e tests use this).
   */
  dropSocket(): boolean {
    if (this._state !== 'open' || !this.socket) return false;
    this.socket.close(4000, 'dropped');
    return true;
  }

  private teardown(code: number, reason: string): void {
    if (this._state === 'closed') return;
    this._state = 'closed';
    if (this.socket) {
      this.socket.onopen = null;
      this.socket.onmessage = null;
      this.socket.onerror = null;
      this.socket.onclose = null;
    }
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new SignalingError('closed', 'Connection closed before the response', p.method));
      this.pending.delete(id);
    }
    this.emit('close', { code, reason, byClient: this.closedByClient });
  }

  private handleFrame(raw: unknown): void {
    if (typeof raw !== 'string') {
      this.emit('protocolError', new SignalingError('protocol', 'Binary frame received'));
      return;
    }
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      this.emit('protocolError', new SignalingError('protocol', 'Frame is not JSON'));
      return;
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      this.emit('protocolError', new SignalingError('protocol', 'Frame is not a JSON object'));
      return;
    }
    const m = msg as Record<string, unknown>;
    if (m.response === true) {
      this.handleResponse(m);
    } else if (m.notification === true) {
      this.handleNotification(m);
    } else {
      this.emit('protocolError', new SignalingError('protocol', 'Frame is neither response nor notification'));
    }
  }

  private handleResponse(m: Record<string, unknown>): void {
    const err = parseError(m.error);
    if (typeof m.id !== 'number') {
      // The server could not read our request's id (bad_json / invalid_request).
      this.emit(
        'protocolError',
        new SignalingError(err?.code ?? 'protocol', err?.message ?? 'Response without an id'),
      );
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return; // Late response to a request that already timed out.
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok === true) {
      p.resolve(m.data ?? {});
    } else {
      p.reject(
        new SignalingError(err?.code ?? 'protocol', err?.message ?? 'Request failed', p.method),
      );
    }
  }

  private handleNotification(m: Record<string, unknown>): void {
    if (typeof m.method !== 'string' || !KNOWN_NOTIFICATIONS.has(m.method)) {
      this.emit(
        'protocolError',
        new SignalingError('protocol', `Unknown notification ${String(m.method)}`),
      );
      return;
    }
    if (typeof m.data !== 'object' || m.data === null) {
      this.emit('protocolError', new SignalingError('protocol', `Notification ${m.method} has no data`));
      return;
    }
    this.emit('notification', { method: m.method, data: m.data } as Notification);
  }
}

function parseError(e: unknown): { code: string; message: string } | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const r = e as Record<string, unknown>;
  return {
    code: typeof r.code === 'string' ? r.code : 'protocol',
    message: typeof r.message === 'string' ? r.message : 'Unknown error',
  };
}
