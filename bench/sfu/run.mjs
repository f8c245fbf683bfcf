// SFU benchmark: our server and Janus VideoRoom under the same jb-loadgen scenarios, in one run.
// Both servers and the generator run inside a network namespace this script creates, so whatever
// addresses Janus announces exist only there (TESTING.md). Needs root (ip netns).
// Usage: node run.mjs --server <jbcalling> --loadgen <jb-loadgen> [--rounds 3] [--duration 15] [--json]
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : dflt; };
const server = arg('server'), loadgen = arg('loadgen');
if (!server || !loadgen) { console.error('run.mjs: --server and --loadgen are required'); process.exit(2); }
const rounds = Number(arg('rounds', 3));
const duration = arg('duration', '15');
const ns = `jbsfu${process.pid}`;
const ip = '10.250.0.1';
const sh = (...cmd) => execFileSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
const inNs = (...cmd) => ['ip', 'netns', 'exec', ns, ...cmd];

const levels = [
  { name: '1 room of 6, all publishing', args: ['--rooms', '1', '--publishers', '6'] },
  { name: '1 publisher -> 100 subscribers', args: ['--rooms', '1', '--publishers', '1', '--subscribers', '100'] },
  { name: '20 rooms of 4', args: ['--rooms', '20', '--publishers', '4'] },
];

function setUpNamespace() {
  sh('ip', 'netns', 'add', ns);
  sh(...inNs('ip', 'link', 'set', 'lo', 'up'));
  sh(...inNs('ip', 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb'));
  sh(...inNs('ip', 'addr', 'add', `${ip}/24`, 'dev', 'va'));
  sh(...inNs('ip', 'link', 'set', 'va', 'up'));
  sh(...inNs('ip', 'link', 'set', 'vb', 'up'));
}

async function startServer(target) {
  if (target === 'jbcalling') {
    const child = spawn('ip', inNs(server, 'serve', '--listen', ip, '--announced-ip', ip, '--port', '8080', '--rtc-port', '40000',
      '--workers', '2', '--web-root', '/nonexistent', '--log-level', 'warn').slice(1), { stdio: 'ignore' });
    return { child, port: '8080', probe: `http://${ip}:8080/health` };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'jb-janus-'));
  sh(path.join(here, 'janus-config.sh'), dir, ip);
  const child = spawn('ip', inNs('janus', '-F', dir, '-C', `${dir}/janus.jcfg`, '-r', '20000-29999').slice(1), { stdio: 'ignore' });
  return { child, port: '8088', probe: `http://${ip}:8088/janus/info` };
}

// The server's own PID inside `ip netns exec` (which execs, so the child PID is the server's).
async function runOnce(target, level) {
  const { child, port, probe } = await startServer(target);
  try {
    for (let i = 0; i < 100; i++) {
      if (spawnSync('ip', inNs('curl', '-sf', probe).slice(1)).status === 0) break;
      await sleep(100);
    }
    const out = sh(...inNs(loadgen, '--target', target, '--host', ip, '--port', port, '--bind', ip, '--duration', duration,
      '--server-pid', String(child.pid), '--json', ...level.args));
    return JSON.parse(out);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
setUpNamespace();
const table = [];
try {
  for (const level of levels) {
    const results = { jbcalling: [], janus: [] };
    for (let r = 0; r < rounds; r++) {
      for (const target of ['jbcalling', 'janus']) {
        const result = await runOnce(target, level);
        results[target].push(result);
        console.error(`${level.name} round ${r + 1} ${target}: ${result.server.usPerForwardedPacket.toFixed(2)} us/pkt, loss ${result.lossPercent.toFixed(3)}%, p99 ${(result.latencyUs.p99 / 1000).toFixed(2)} ms`);
      }
    }
    const m = (t, f) => median(results[t].map(f));
    for (const [measure, f] of [
      ['us CPU per forwarded packet', (x) => x.server.usPerForwardedPacket],
      ['loss %', (x) => x.lossPercent],
      ['latency p50 ms', (x) => x.latencyUs.p50 / 1000],
      ['latency p99 ms', (x) => x.latencyUs.p99 / 1000],
      ['server RSS MiB (peak)', (x) => x.server.peakRssMiB],
      ['forwarded packets/s', (x) => x.forwardedPacketsPerSecond],
    ]) table.push({ level: level.name, measure, ours: m('jbcalling', f), janus: m('janus', f) });
  }
} finally {
  spawnSync('ip', ['netns', 'del', ns]);
}
if (process.argv.includes('--json')) console.log(JSON.stringify({ rounds, duration: Number(duration), table }, null, 2));
else {
  console.log(`SFU benchmark: jb-loadgen, ${duration} s per run, median of ${rounds} alternating rounds per server`);
  console.log(`${'level'.padEnd(34)}${'measure'.padEnd(30)}${'ours'.padStart(10)}${'janus'.padStart(10)}${'ours/janus'.padStart(12)}`);
  for (const r of table)
    console.log(`${r.level.padEnd(34)}${r.measure.padEnd(30)}${r.ours.toFixed(2).padStart(10)}${r.janus.toFixed(2).padStart(10)}${(r.janus ? r.ours / r.janus : NaN).toFixed(2).padStart(12)}`);
}
