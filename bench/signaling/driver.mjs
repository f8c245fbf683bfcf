// Signaling load driver: N sessions joined into rooms, chat traffic and leave/rejoin churn, against
// JB Calling (WebSocket JSON, docs/protocol.md) or the Socket.IO reference. Prints JSON.
// Usage: node driver.mjs --target ours|socketio --port P [--sessions 1000] [--room-size 6]
//        [--duration 20] [--chat-interval-ms 5000] [--churn-per-second 20] [--server-pid PID]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']);
  return acc;
}, []));
const known = ['target', 'port', 'sessions', 'room-size', 'duration', 'chat-interval-ms', 'churn-per-second', 'server-pid', 'concurrency'];
for (const k of Object.keys(args)) if (!known.includes(k)) { console.error(`driver: unknown flag --${k}`); process.exit(2); }
const target = args.target;
if (target !== 'ours' && target !== 'socketio') { console.error('driver: --target must be ours or socketio'); process.exit(2); }
const port = Number(args.port);
const sessions = Number(args.sessions ?? 1000);
const roomSize = Number(args['room-size'] ?? 6);
const duration = Number(args.duration ?? 20) * 1000;
const chatIntervalMs = Number(args['chat-interval-ms'] ?? 5000);
const churnPerSecond = Number(args['churn-per-second'] ?? 20);
const concurrency = Number(args.concurrency ?? 100);
const serverPid = args['server-pid'] ? Number(args['server-pid']) : null;
if (!(port > 0) || !(sessions > 0) || !(roomSize > 0)) { console.error('driver: bad --port/--sessions/--room-size'); process.exit(2); }

const rssMiB = () => {
  if (!serverPid) return null;
  const m = readFileSync(`/proc/${serverPid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : null;
};
const cpuSeconds = () => {
  if (!serverPid) return null;
  const f = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};

// Same capabilities blob in both targets, so join payloads are the same size.
const rtpCapabilities = { codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2 },
  { kind: 'video', mimeType: 'video/VP8', preferredPayloadType: 101, clockRate: 90000 }], headerExtensions: [] };

// One session with a uniform request() for both protocols.
function openSession() {
  return new Promise((resolve, reject) => {
    if (target === 'ours') {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false });
      const pending = new Map();
      let nextId = 1;
      const s = {
        notifications: 0,
        request: (method, data) => new Promise((res, rej) => {
          const id = nextId++;
          pending.set(id, { res, rej });
          ws.send(JSON.stringify({ request: true, id, method, data }));
        }),
        close: () => ws.terminate(),
      };
      ws.on('message', (raw) => {
        const m = JSON.parse(raw);
        if (m.notification) { s.notifications++; return; }
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        m.ok ? p.res(m.data) : p.rej(new Error(m.error?.code));
      });
      ws.once('open', () => resolve(s));
      ws.once('error', reject);
    } else {
      const socket = ioClient(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
      const s = {
        notifications: 0,
        request: (method, data) => new Promise((res, rej) => socket.emit(method, data, (r) => (r.ok ? res(r.data) : rej(new Error(r.error?.code))))),
        close: () => socket.disconnect(),
      };
      for (const ev of ['peerJoined', 'peerLeft', 'chat']) socket.on(ev, () => { s.notifications++; });
      socket.once('connect', () => resolve(s));
      socket.once('connect_error', reject);
    }
  });
}

const pct = (xs, p) => { if (!xs.length) return 0; const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))]; };
const timed = async (samples, fn) => { const t = performance.now(); const r = await fn(); samples.push(performance.now() - t); return r; };

const runId = Math.random().toString(36).slice(2, 8);
const roomOf = (i) => `bench-${runId}-${Math.floor(i / roomSize)}`;
const clients = new Array(sessions);
const joinMs = [];
const chatMs = [];
let errors = 0;

// Phase 1: join storm, `concurrency` sessions in flight at a time.
const cpu0 = cpuSeconds();
const joinStart = performance.now();
let next = 0;
await Promise.all(Array.from({ length: Math.min(concurrency, sessions) }, async () => {
  while (next < sessions) {
    const i = next++;
    try {
      const s = await openSession();
      await timed(joinMs, () => s.request('join', { roomId: roomOf(i), displayName: `user${i}`, rtpCapabilities }));
      clients[i] = s;
    } catch { errors++; }
  }
}));
const joinSeconds = (performance.now() - joinStart) / 1000;
const cpuJoin = cpuSeconds();
const rssAllJoined = rssMiB();

// Phase 2: steady chat traffic plus leave/rejoin churn.
let running = true;
const chatters = clients.filter(Boolean).map(async (s, i) => {
  await new Promise((r) => setTimeout(r, Math.random() * chatIntervalMs));
  while (running) {
    try { await timed(chatMs, () => s.request('chat', { text: `hello from ${i}` })); } catch { errors++; }
    await new Promise((r) => setTimeout(r, chatIntervalMs));
  }
});
let churned = 0;
const rejoinMs = [];
const churner = (async () => {
  while (running && churnPerSecond > 0) {
    const i = Math.floor(Math.random() * sessions);
    const old = clients[i];
    if (old) {
      clients[i] = null;
      old.close();
      try {
        const s = await openSession();
        await timed(rejoinMs, () => s.request('join', { roomId: roomOf(i), displayName: `user${i}`, rtpCapabilities }));
        clients[i] = s;
        churned++;
      } catch { errors++; }
    }
    await new Promise((r) => setTimeout(r, 1000 / churnPerSecond));
  }
})();
await new Promise((r) => setTimeout(r, duration));
running = false;
await Promise.race([Promise.all([...chatters, churner]), new Promise((r) => setTimeout(r, chatIntervalMs + 2000))]);
const cpuEnd = cpuSeconds();
const notifications = clients.filter(Boolean).reduce((n, s) => n + s.notifications, 0);
for (const s of clients) s?.close();

console.log(JSON.stringify({
  target, sessions, roomSize, joined: clients.filter(Boolean).length, errors,
  joinThroughputPerSecond: sessions / joinSeconds,
  joinLatencyMs: { p50: pct(joinMs, 0.5), p99: pct(joinMs, 0.99) },
  chatLatencyMs: { p50: pct(chatMs, 0.5), p99: pct(chatMs, 0.99) }, chats: chatMs.length,
  rejoinLatencyMs: { p50: pct(rejoinMs, 0.5), p99: pct(rejoinMs, 0.99) }, churned, notifications,
  serverRssMiBAllJoined: rssAllJoined, serverCpuSecondsJoin: cpu0 === null ? null : cpuJoin - cpu0,
  serverCpuSecondsSteady: cpu0 === null ? null : cpuEnd - cpuJoin,
}));
process.exit(0);
