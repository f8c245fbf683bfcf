// Runs the signaling benchmark: our server and the Socket.IO reference alternately, several rounds,
// then prints a side-by-side table of medians (and JSON with --json).
// Usage: node run.mjs --server <jbcalling> [--rounds 3] [--sessions 2000] [--duration 20]
import { spawn, execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const server = arg('server');
if (!server) { console.error('run.mjs: --server <path to jbcalling> is required'); process.exit(2); }
const rounds = Number(arg('rounds', 3));
const sessions = arg('sessions', '2000');
const duration = arg('duration', '20');

const freePort = () => 20000 + Math.floor(Math.random() * 20000);
async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try { await fetch(url); return; } catch { await sleep(100); }
  }
  throw new Error(`no answer from ${url}`);
}

// The per-IP session limit exists to stop one abusive address; every benchmark client is 127.0.0.1.
const help = execFileSync(server, ['serve', '--help']).toString();
const perIpFlag = help.match(/--max-sessions-per-ip\b/) ? ['--max-sessions-per-ip', '100000'] : [];

async function runOnce(target) {
  const port = freePort();
  const child = target === 'ours'
    // --no-translation: the reference has no speech engines, and ours would otherwise load its warm
    // recognizers (~200 MiB of models, seconds of CPU at start) into the figures meant for signaling.
    ? spawn(server, ['serve', '--port', String(port), '--rtc-port', '0', '--workers', '1', '--web-root', '/nonexistent',
      '--log-level', 'warn', '--no-translation', ...perIpFlag], { stdio: 'ignore' })
    : spawn(process.execPath, [path.join(here, '../reference/socketio-server.mjs'), '--port', String(port)], { stdio: 'ignore' });
  try {
    await waitFor(`http://127.0.0.1:${port}/${target === 'ours' ? 'health' : 'socket.io/?EIO=4&transport=polling'}`);
    const out = execFileSync(process.execPath, [path.join(here, 'driver.mjs'), '--target', target, '--port', String(port),
      '--sessions', sessions, '--duration', duration, '--server-pid', String(child.pid)], { maxBuffer: 1 << 20 });
    return JSON.parse(out.toString());
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const results = { ours: [], socketio: [] };
for (let r = 0; r < rounds; r++) {
  for (const target of ['ours', 'socketio']) {
    const result = await runOnce(target);
    results[target].push(result);
    console.error(`round ${r + 1} ${target}: joins/s ${result.joinThroughputPerSecond.toFixed(0)}, join p50 ${result.joinLatencyMs.p50.toFixed(2)} ms, RSS ${result.serverRssMiBAllJoined?.toFixed(1)} MiB, errors ${result.errors}`);
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const rows = [
  ['join throughput (joins/s)', (x) => x.joinThroughputPerSecond, 'higher'],
  ['join latency p50 (ms)', (x) => x.joinLatencyMs.p50, 'lower'],
  ['join latency p99 (ms)', (x) => x.joinLatencyMs.p99, 'lower'],
  ['chat ack latency p50 (ms)', (x) => x.chatLatencyMs.p50, 'lower'],
  ['chat ack latency p99 (ms)', (x) => x.chatLatencyMs.p99, 'lower'],
  ['rejoin latency p50 (ms)', (x) => x.rejoinLatencyMs.p50, 'lower'],
  [`server RSS with ${sessions} sessions (MiB)`, (x) => x.serverRssMiBAllJoined, 'lower'],
  ['server CPU s, join storm', (x) => x.serverCpuSecondsJoin, 'lower'],
  ['server CPU s, steady phase', (x) => x.serverCpuSecondsSteady, 'lower'],
  ['errors', (x) => x.errors, 'lower'],
];
const table = rows.map(([name, f, better]) => {
  const o = median(results.ours.map(f)), s = median(results.socketio.map(f));
  return { measure: name, ours: o, socketio: s, ratio: s ? o / s : null, better };
});
if (process.argv.includes('--json')) console.log(JSON.stringify({ sessions: Number(sessions), rounds, table, results }, null, 2));
else {
  console.log(`signaling benchmark: ${sessions} sessions in rooms of 6, ${duration} s steady phase, median of ${rounds} rounds each`);
  console.log(`${'measure'.padEnd(40)}${'ours'.padStart(12)}${'socket.io'.padStart(12)}${'ours/ref'.padStart(10)}`);
  for (const r of table)
    console.log(`${r.measure.padEnd(40)}${r.ours.toFixed(2).padStart(12)}${r.socketio.toFixed(2).padStart(12)}${(r.ratio ?? NaN).toFixed(2).padStart(10)}`);
}
