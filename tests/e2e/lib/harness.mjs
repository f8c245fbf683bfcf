// Shared pieces of the browser fault tests and the soak benchmark: the server process,
// free ports, Chromium launch, pages in a call, polling. call.e2e.mjs predates this and
// keeps its own copy.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..', '..');
export const SERVER_BIN = process.env.JB_SERVER_BIN ?? path.join(REPO, 'build', 'release', 'jbcalling');
export const WEB_ROOT = process.env.JB_WEB_ROOT ?? path.join(REPO, 'web', 'dist');
export const CHROMIUM = process.env.JB_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(HERE, '..', 'artifacts');

// Flags from shared/design/TESTING.md ("The args that work").
export const CHROME_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function makeLog(tag) {
  const t0 = Date.now();
  return (...a) => console.log(`[${tag} +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
}

export class StepError extends Error {}

/** Polls fn until it returns a truthy value (not {ok:false}); throws with the last detail on timeout. */
export async function waitFor(what, fn, timeoutMs, intervalMs = 250) {
  const start = Date.now();
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v && v.ok !== false) return v;
      last = v?.detail ?? v;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() - start > timeoutMs) {
      throw new StepError(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    }
    await sleep(intervalMs);
  }
}

export function checkPrerequisites() {
  for (const [what, p] of [
    ['server binary (JB_SERVER_BIN)', SERVER_BIN],
    ['web build (JB_WEB_ROOT)', path.join(WEB_ROOT, 'index.html')],
    ['chromium (JB_CHROMIUM)', CHROMIUM],
  ]) {
    if (!fs.existsSync(p)) {
      console.error(`missing ${what}: ${p}`);
      process.exit(2);
    }
  }
}

// ---- Ports -------------------------------------------------------------------------------

export function freeTcpPort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function udpFree(port) {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

/** A base port such that base..base+count-1 are free UDP ports. */
export async function freeUdpBase(count) {
  for (let i = 0; i < 50; i++) {
    const base = 40000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (let w = 0; w < count && ok; w++) ok = await udpFree(base + w);
    if (ok) return base;
  }
  throw new Error('no free UDP port range found');
}

// ---- Server ------------------------------------------------------------------------------

/** The jbcalling process. start() may be called again after it exited (a restart). */
export class Server {
  constructor(args, log = () => {}) {
    this.args = args;
    this.log = log;
    this.lines = [];
    this.exit = undefined;
    this.proc = undefined;
  }

  start() {
    this.log(`starting ${SERVER_BIN} ${this.args.join(' ')}`);
    this.exit = undefined;
    const proc = spawn(SERVER_BIN, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    const take = (stream, tag) => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          this.lines.push(`[${tag}] ${buf.slice(0, i)}`);
          buf = buf.slice(i + 1);
        }
      });
      stream.on('end', () => buf && this.lines.push(`[${tag}] ${buf}`));
    };
    take(proc.stdout, 'out');
    take(proc.stderr, 'err');
    proc.on('exit', (code, signal) => {
      if (this.proc === proc) this.exit = { code, signal };
      this.lines.push(`[exit] code=${code} signal=${signal}`);
    });
    proc.on('error', (err) => {
      if (this.proc === proc) this.exit = { code: -1, signal: null };
      this.lines.push(`[spawn error] ${err.message}`);
    });
  }

  get pid() {
    return this.proc?.pid;
  }

  /** SIGTERM, then SIGKILL after graceMs. Resolves with how it ended. */
  async stop(graceMs = 5000) {
    if (!this.proc || this.exit) return this.exit;
    this.proc.kill('SIGTERM');
    const start = Date.now();
    while (!this.exit && Date.now() - start < graceMs) await sleep(20);
    if (!this.exit) {
      this.lines.push(`[harness] server ignored SIGTERM for ${graceMs} ms; sending SIGKILL`);
      this.proc.kill('SIGKILL');
      while (!this.exit && Date.now() - start < graceMs + 5000) await sleep(20);
    }
    return this.exit;
  }

  killSync() {
    if (this.proc && !this.exit) this.proc.kill('SIGKILL');
  }

  tail(n = 40) {
    return this.lines.slice(-n).join('\n');
  }
}

/** The usual `serve` arguments for a loopback-only server. */
export function serveArgs({ httpPort, udpBase, workers, extra = [] }) {
  return [
    'serve',
    '--listen', '127.0.0.1',
    '--port', String(httpPort),
    '--announced-ip', '127.0.0.1',
    '--rtc-port', String(udpBase),
    '--workers', String(workers),
    '--web-root', WEB_ROOT,
    ...(process.env.JB_SERVER_LOG_LEVEL ? ['--log-level', process.env.JB_SERVER_LOG_LEVEL] : []),
    ...extra,
  ];
}

/** True when `serve --help` lists the option (the server grows options over time). */
export async function serverHasOption(option) {
  const out = await new Promise((resolve) => {
    const p = spawn(SERVER_BIN, ['serve', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (d) => (text += d));
    p.stderr.on('data', (d) => (text += d));
    p.on('close', () => resolve(text));
    p.on('error', () => resolve(''));
  });
  return out.includes(option);
}

export async function health(base) {
  const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
  return res.json();
}

export async function waitHealthy(server, base, timeoutMs = 20_000) {
  return waitFor('/health 200', async () => {
    if (server.exit) throw new StepError(`server exited: ${JSON.stringify(server.exit)}\n${server.tail()}`);
    return health(base);
  }, timeoutMs, 100);
}

/** GET /metrics parsed into [{name, labels, value}], or undefined when the server has none. */
export async function metrics(base) {
  const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) return undefined;
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  if (!type.startsWith('text/plain') || !/^jb_/m.test(text)) return undefined;
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const kv of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[kv[1]] = kv[2];
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels match `where`. */
export function metricSum(samples, name, where = {}) {
  return (samples ?? [])
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((a, s) => a + s.value, 0);
}

/** GET /ready: { ready, checks } (503 while not ready), or undefined when unreachable. */
export async function readiness(base) {
  const res = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(3000) });
  return { status: res.status, ...(await res.json().catch(() => ({}))) };
}

// ---- Processes ---------------------------------------------------------------------------

/** One process from /proc/<pid>/stat and cmdline, or undefined when it is gone. */
export function procInfo(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split at the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const [state, ppid] = stat.slice(close + 2).split(' ');
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid: Number(pid), comm, state, ppid: Number(ppid), cmdline };
  } catch {
    return undefined;
  }
}

/** The direct children of `pid` (scans /proc for ppid == pid). */
export function childProcesses(pid) {
  const out = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = procInfo(entry);
    if (info && info.ppid === pid) out.push(info);
  }
  return out;
}

// ---- Chromium ----------------------------------------------------------------------------

/** A Chromium of our own (persistent context in a fresh user-data-dir). */
export async function launchBrowser({ extraArgs = [] } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-e2e-chrome-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: false,
    args: [...CHROME_ARGS, ...extraArgs],
    viewport: { width: 960, height: 540 },
  });
  return {
    context,
    userDataDir,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** PIDs of every process of the Chromium that uses this user-data-dir (from /proc). */
export function chromiumPids(userDataDir) {
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(`--user-data-dir=${userDataDir}`)) pids.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return pids;
}

/** A page in a call, with its console kept for the artifacts. */
export class Tab {
  constructor(name, page) {
    this.name = name;
    this.page = page;
    this.console = [];
    this.id = undefined;
    page.on('console', (m) => this.console.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => this.console.push(`[pageerror] ${e.stack ?? e.message}`));
  }

  peerId() {
    return this.page.evaluate(() => window.__jb?.peerId());
  }

  stats() {
    return this.page.evaluate(() => window.__jb?.stats() ?? []);
  }

  connectionState() {
    return this.page.evaluate(() => window.__jb?.connectionState?.() ?? 'unknown');
  }

  /** Opens the room link, types the name, joins, and waits for the joined call view. */
  async join(url, displayName, timeoutMs = 30_000) {
    await this.page.goto(url);
    const input = this.page.getByTestId('display-name-input');
    await input.waitFor({ timeout: timeoutMs });
    await input.fill(displayName);
    await this.page.getByTestId('join-button').click();
    await this.page.waitForSelector('[data-testid="call-view"][data-phase="joined"]', { timeout: timeoutMs }).catch(async (err) => {
      const banner = await this.page.locator('[data-testid="error-banner"]').innerText().catch(() => '');
      throw new StepError(`${this.name} did not join: ${banner || err.message}`);
    });
    this.id = await this.peerId();
    if (!this.id) throw new StepError(`${this.name}: joined but window.__jb.peerId() is empty`);
  }

  /** framesDecoded of this tab's video consumer of `peer` (0 if none). */
  async framesFrom(peer) {
    const rows = await this.stats();
    return rows.find((r) => r.peerId === peer.id && r.kind === 'video')?.framesDecoded ?? 0;
  }
}

/** Waits until `tab` decodes video (and, unless videoOnly, receives audio) from each of `from`. */
export async function waitForMediaFrom(tab, from, timeoutMs = 60_000, { videoOnly = false } = {}) {
  return waitFor(
    `${tab.name} to decode media from ${from.map((t) => t.name).join(', ')}`,
    async () => {
      const rows = await tab.stats();
      const missing = [];
      for (const peer of from) {
        const v = rows.find((r) => r.peerId === peer.id && r.kind === 'video');
        const a = rows.find((r) => r.peerId === peer.id && r.kind === 'audio');
        if (!v) missing.push(`${peer.name}: no video consumer`);
        else if (!(v.framesDecoded > 0)) missing.push(`${peer.name}: framesDecoded=0 (packets ${v.packetsReceived})`);
        if (videoOnly) continue;
        if (!a) missing.push(`${peer.name}: no audio consumer`);
        else if (!(a.totalSamplesReceived > 0)) missing.push(`${peer.name}: audio samples=0`);
      }
      return missing.length === 0 ? rows : { ok: false, detail: missing };
    },
    timeoutMs,
    500,
  );
}

export function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join('  ');
  return [line(headers), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

/** A room id in the app's format (xxx-xxxx-xxx). */
export function randomRoomId() {
  const letters = (n) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
  return `${letters(3)}-${letters(4)}-${letters(3)}`;
}

/** Runs named steps, logging each; the first failure throws. */
export function stepper(log) {
  const results = [];
  async function step(name, fn) {
    const start = Date.now();
    log(`▶ ${name}`);
    try {
      const out = await fn();
      results.push({ name, ok: true, ms: Date.now() - start });
      log(`✔ ${name} (${Date.now() - start} ms)`);
      return out;
    } catch (err) {
      results.push({ name, ok: false, ms: Date.now() - start, error: err });
      log(`✘ ${name}: ${err instanceof Error ? err.message : err}`);
      throw err;
    }
  }
  return { step, results };
}

/** Screenshots, consoles and stats of the tabs, plus the server log, into artifacts/<prefix>-*. */
export async function saveArtifacts(prefix, tabs, server) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const t of tabs) {
    if (!t.page.isClosed()) {
      await t.page.screenshot({ path: path.join(ARTIFACTS, `${prefix}-tab-${t.name}.png`) }).catch(() => {});
      const stats = await t.stats().catch((e) => `stats failed: ${e.message}`);
      fs.writeFileSync(path.join(ARTIFACTS, `${prefix}-tab-${t.name}-stats.json`), JSON.stringify(stats, null, 2));
    }
    fs.writeFileSync(path.join(ARTIFACTS, `${prefix}-tab-${t.name}-console.log`), t.console.join('\n'));
  }
  if (server) fs.writeFileSync(path.join(ARTIFACTS, `${prefix}-server.log`), server.lines.join('\n') + '\n');
}
