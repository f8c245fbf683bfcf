// A scriptable stand-in for the browser WebSocket, for unit tests.
import type { WebSocketLike } from '../signaling/SignalingClient';

export class FakeWebSocket implements WebSocketLike {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 3;

  readyState = FakeWebSocket.CONNECTING;
  readonly sent: string[] = [];
  closeCalls: Array<{ code?: number; reason?: string }> = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  /** Called for each frame the client sends (lets a test act as the server). */
  onSend: ((frame: string) => void) | undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error('InvalidStateError: not open');
    this.sent.push(data);
    this.onSend?.(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    this.readyState = FakeWebSocket.CLOSED;
  }

  // ---- Driven by the test ----
  serverOpen(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.({});
  }

  serverClose(code = 1006, reason = ''): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onerror?.({});
    this.onclose?.({ code, reason });
  }

  serverSend(msg: unknown): void {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }

  /** The parsed requests sent so far. */
  requests(): Array<{ request: true; id: number; method: string; data: Record<string, unknown> }> {
    return this.sent.map((s) => JSON.parse(s) as { request: true; id: number; method: string; data: Record<string, unknown> });
  }

  lastRequest() {
    const all = this.requests();
    const last = all[all.length - 1];
    if (!last) throw new Error('no request sent');
    return last;
  }
}
