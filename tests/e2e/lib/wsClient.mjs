// A bare signaling client for Node (npm `ws`): sends what a browser would not, and records
// every frame and the close code, for the abuse tests.
import WebSocket from 'ws';

export class RawSignaling {
  constructor(url) {
    this.url = url;
    this.frames = [];
    this.closed = undefined;
    this.nextId = 1;
    this.pending = new Map();
  }

  open(timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { maxPayload: 1 << 20 });
      this.ws = ws;
      const timer = setTimeout(() => reject(new Error(`ws open timed out: ${this.url}`)), timeoutMs);
      ws.on('open', () => {
        clearTimeout(timer);
        resolve(this);
      });
      ws.on('error', (err) => {
        clearTimeout(timer);
        if (!this.closed) reject(err);
      });
      ws.on('message', (data) => {
        let msg;
        try {
          msg = JSON.parse(String(data));
        } catch {
          msg = { unparsable: String(data) };
        }
        this.frames.push(msg);
        if (msg.response && typeof msg.id === 'number' && this.pending.has(msg.id)) {
          this.pending.get(msg.id)(msg);
          this.pending.delete(msg.id);
        }
      });
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: String(reason), at: Date.now() };
        for (const settle of this.pending.values()) settle({ response: true, ok: false, error: { code: 'closed' } });
        this.pending.clear();
      });
    });
  }

  /** Sends a request; resolves with the whole response envelope. */
  request(method, data = {}, timeoutMs = 10_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no response in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
      this.send(JSON.stringify({ request: true, id, method, data }));
    });
  }

  /** Fire and forget; returns the id used. */
  sendRequest(method, data = {}) {
    const id = this.nextId++;
    this.send(JSON.stringify({ request: true, id, method, data }));
    return id;
  }

  send(text) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  /** Resolves with {code, reason} once closed (or undefined after timeoutMs). */
  async waitClosed(timeoutMs) {
    const start = Date.now();
    while (!this.closed && Date.now() - start < timeoutMs) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  close() {
    try {
      this.ws?.close();
    } catch {
      // Already closed.
    }
  }

  errorCodes() {
    const counts = {};
    for (const f of this.frames) {
      if (f.response && f.ok === false) counts[f.error?.code ?? '?'] = (counts[f.error?.code ?? '?'] ?? 0) + 1;
    }
    return counts;
  }
}
