#!/usr/bin/env node
// Browser end-to-end test: real Chromium tabs join one call through the real jbcalling
// server and must see and hear each other. Run: node tests/e2e/call.e2e.mjs
//
// Env: JB_SERVER_BIN (default <repo>/build/release/jbcalling)
//      JB_WEB_ROOT   (default <repo>/web/dist)
//      JB_SERVER_LOG_LEVEL (e.g. debug) is passed as --log-level.
//      JB_E2E_KEEP_ARTIFACTS=1 keeps logs/screenshots even when the test passes.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const SERVER_BIN = process.env.JB_SERVER_BIN ?? path.join(REPO, 'build', 'release', 'jbcalling');
const WEB_ROOT = process.env.JB_WEB_ROOT ?? path.join(REPO, 'web', 'dist');
const ARTIFACTS = path.join(HERE, 'artifacts');
const CHROMIUM = process.env.JB_CHROMIUM ?? '/usr/bin/chromium';
const WORKERS = 2;

// 2 cores run 4 Chromium tabs plus the server: be generous, but fail clearly.
const T_HEALTH = 20_000;
const T_JOIN = 30_000;
const T_MEDIA = 60_000;
const T_UI = 15_000;
const SAMPLE_AFTER_MS = 10_000;

// Flags from shared/design/TESTING.md ("The args that work").
const CHROME_ARGS = [
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

// ---- Small helpers -------------------------------------------------------------------

const t0 = Date.now();
const log = (...a) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class StepError extends Error {}

/** Polls fn until it returns a truthy value; throws with the last seen detail on timeout. */
async function waitFor(what, fn, timeoutMs, intervalMs = 250) {
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

function freeTcpPort() {
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

/** A base port such that base..base+WORKERS-1 are free UDP ports. */
async function freeUdpBase() {
  for (let i = 0; i < 50; i++) {
    const base = 40000 + Math.floor(Math.random() * 20000);
    let ok = true;
    for (let w = 0; w < WORKERS && ok; w++) ok = await udpFree(base + w);
    if (ok) return base;
  }
  throw new Error('no free UDP port range found');
}

// ---- Server ----------------------------------------------------------------------------

class Server {
  constructor(bin, args) {
    this.bin = bin;
    this.args = args;
    this.lines = [];
    this.exit = undefined;
  }

  start() {
    log(`starting ${this.bin} ${this.args.join(' ')}`);
    this.proc = spawn(this.bin, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
    take(this.proc.stdout, 'out');
    take(this.proc.stderr, 'err');
    this.proc.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.lines.push(`[exit] code=${code} signal=${signal}`);
    });
    this.proc.on('error', (err) => {
      this.exit = { code: -1, signal: null };
      this.lines.push(`[spawn error] ${err.message}`);
    });
  }

  async stop() {
    if (!this.proc || this.exit) return;
    this.proc.kill('SIGTERM');
    const start = Date.now();
    while (!this.exit && Date.now() - start < 5000) await sleep(50);
    if (!this.exit) {
      this.lines.push('[e2e] server ignored SIGTERM for 5 s; sending SIGKILL');
      this.proc.kill('SIGKILL');
      while (!this.exit && Date.now() - start < 8000) await sleep(50);
    }
  }

  killSync() {
    if (this.proc && !this.exit) this.proc.kill('SIGKILL');
  }

  tail(n = 40) {
    return this.lines.slice(-n).join('\n');
  }
}

async function health(base) {
  const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(3000) });
  if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
  return res.json();
}

// ---- Pages -----------------------------------------------------------------------------

/** Per-tab bookkeeping: name, the Playwright page, and its console for the artifacts. */
class Tab {
  constructor(name, page) {
    this.name = name;
    this.page = page;
    this.console = [];
    this.closed = false;
    page.on('console', (m) => this.console.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => this.console.push(`[pageerror] ${e.stack ?? e.message}`));
  }

  peerId() {
    return this.page.evaluate(() => window.__jb?.peerId());
  }

  stats() {
    return this.page.evaluate(() => window.__jb?.stats() ?? []);
  }

  timeline() {
    return this.page.evaluate(() => ({ ...(window.__jb?.timeline ?? {}) }));
  }

  async waitJoined() {
    await this.page.waitForSelector('[data-testid="call-view"][data-phase="joined"]', { timeout: T_JOIN }).catch(async (err) => {
      const banner = await this.page.locator('[data-testid="error-banner"]').innerText().catch(() => '');
      throw new StepError(`${this.name} did not join: ${banner || err.message}`);
    });
    this.id = await this.peerId();
    if (!this.id) throw new StepError(`${this.name}: joined but window.__jb.peerId() is empty`);
  }
}

/**
 * Waits until `tab` decodes video and receives audio from every peer in `from`.
 * Returns the stats rows of the last poll.
 */
async function waitForMediaFrom(tab, from) {
  return waitFor(
    `${tab.name} to decode video and receive audio from ${from.map((t) => t.name).join(', ')}`,
    async () => {
      const rows = await tab.stats();
      const missing = [];
      for (const peer of from) {
        const v = rows.find((r) => r.peerId === peer.id && r.kind === 'video');
        const a = rows.find((r) => r.peerId === peer.id && r.kind === 'audio');
        if (!v) missing.push(`${peer.name}: no video consumer`);
        else if (!(v.framesDecoded > 0)) missing.push(`${peer.name}: video framesDecoded=0 (packets ${v.packetsReceived})`);
        if (!a) missing.push(`${peer.name}: no audio consumer`);
        else if (!(a.totalSamplesReceived > 0)) missing.push(`${peer.name}: audio samples=0 (packets ${a.packetsReceived})`);
      }
      return missing.length === 0 ? rows : { ok: false, detail: missing };
    },
    T_MEDIA,
    500,
  );
}

async function joinByLink(tab, url, displayName) {
  await tab.page.goto(url);
  const input = tab.page.getByTestId('display-name-input');
  await input.waitFor({ timeout: T_UI });
  await input.fill(displayName);
  await tab.page.getByTestId('join-button').click();
  await tab.waitJoined();
}

function tileOf(viewer, peer) {
  return viewer.page.locator(`[data-testid="tile"][data-peer-id="${peer.id}"]`);
}

// ---- Main --------------------------------------------------------------------------------

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

function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i])).join('  ');
  return [line(headers), line(w.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}

async function main() {
  for (const [what, p] of [
    ['server binary (JB_SERVER_BIN)', SERVER_BIN],
    ['web build (JB_WEB_ROOT)', path.join(WEB_ROOT, 'index.html')],
    ['chromium', CHROMIUM],
  ]) {
    if (!fs.existsSync(p)) {
      console.error(`e2e: missing ${what}: ${p}`);
      process.exit(2);
    }
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase();
  const base = `http://127.0.0.1:${httpPort}`;
  const server = new Server(SERVER_BIN, [
    'serve',
    '--listen', '127.0.0.1',
    '--port', String(httpPort),
    '--announced-ip', '127.0.0.1',
    '--rtc-port', String(udpBase),
    '--workers', String(WORKERS),
    '--web-root', WEB_ROOT,
    ...(process.env.JB_SERVER_LOG_LEVEL ? ['--log-level', process.env.JB_SERVER_LOG_LEVEL] : []),
  ]);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-e2e-chrome-'));
  let context;
  const tabs = [];
  const measurements = { health: [], joins: [], frames: [] };
  process.on('exit', () => server.killSync());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.killSync();
      process.exit(130);
    });
  }

  let failed;
  try {
    server.start();
    const h0 = await step('server answers GET /health', () =>
      waitFor('/health 200', async () => {
        if (server.exit) throw new StepError(`server exited early: ${JSON.stringify(server.exit)}\n${server.tail()}`);
        return health(base);
      }, T_HEALTH),
    );
    for (const k of ['status', 'version', 'uptimeSeconds', 'rooms', 'peers', 'workers']) {
      if (!(k in h0)) throw new StepError(`/health lacks "${k}": ${JSON.stringify(h0)}`);
    }
    measurements.health.push(['start', h0]);

    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: false,
      args: CHROME_ARGS,
      viewport: { width: 1280, height: 720 },
    });
    const newTab = async (name) => {
      const page = context.pages().find((p) => p.url() === 'about:blank' && !tabs.some((t) => t.page === p)) ?? (await context.newPage());
      const tab = new Tab(name, page);
      tabs.push(tab);
      return tab;
    };
    const [A, B, C] = [await newTab('A'), await newTab('B'), await newTab('C')];

    const roomUrl = await step('A creates a room from the landing page', async () => {
      await A.page.goto(`${base}/`);
      await A.page.getByTestId('display-name-input').fill('Alice Anders');
      await A.page.getByTestId('create-room-button').click();
      await A.page.waitForURL(/\/r\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/, { timeout: T_UI });
      await A.waitJoined();
      return A.page.url();
    });
    log(`room: ${roomUrl}`);

    await step('B and C open the room link and join', async () => {
      await joinByLink(B, roomUrl, 'Bob Brown');
      await joinByLink(C, roomUrl, 'Carol Chen');
    });

    await step('A, B, C each decode video and receive audio from the other two', async () => {
      await Promise.all([waitForMediaFrom(A, [B, C]), waitForMediaFrom(B, [A, C]), waitForMediaFrom(C, [A, B])]);
    });

    const D = await newTab('D');
    await step('D joins late; D receives A, B, C and they receive D', async () => {
      await joinByLink(D, roomUrl, 'Dan Diaz');
      await Promise.all([
        waitForMediaFrom(D, [A, B, C]),
        waitForMediaFrom(A, [B, C, D]),
        waitForMediaFrom(B, [A, C, D]),
        waitForMediaFrom(C, [A, B, D]),
      ]);
    });
    const dJoinedAt = Date.now();

    await step('every tab shows 4 tiles and /health counts 1 room, 4 peers', async () => {
      for (const t of [A, B, C, D]) {
        await waitFor(`${t.name} to show 4 tiles`, async () => (await t.page.getByTestId('tile').count()) === 4, T_UI);
      }
      const h = await waitFor('/health peers == 4', async () => {
        const h = await health(base);
        return h.peers === 4 && h.rooms === 1 ? h : { ok: false, detail: h };
      }, T_UI);
      measurements.health.push(['4 in call', h]);
    });

    await step('participants panel lists everyone, with "You"', async () => {
      await A.page.getByTestId('participants-toggle').click();
      const rows = A.page.getByTestId('participant');
      await waitFor('4 participant rows', async () => (await rows.count()) === 4, T_UI);
      const self = A.page.locator('[data-testid="participant"][data-self="true"]');
      const text = await self.innerText();
      if (!/You/.test(text) || !/Alice Anders/.test(text)) throw new StepError(`self row reads "${text}"`);
      await A.page.getByTestId('participants-toggle').click();
    });

    await step('A sends a chat message; B, C, D see it with A\'s name', async () => {
      const text = `hello from A ${Date.now()}`;
      await A.page.getByTestId('chat-toggle').click();
      await A.page.getByTestId('chat-input').fill(text);
      await A.page.getByTestId('chat-send').click();
      await A.page.locator('[data-testid="chat-message"]', { hasText: text }).waitFor({ timeout: T_UI });
      for (const t of [B, C, D]) {
        await t.page.getByTestId('chat-unread').waitFor({ timeout: T_UI });
        await t.page.getByTestId('chat-toggle').click();
        const msg = t.page.locator('[data-testid="chat-message"]', { hasText: text });
        await msg.waitFor({ timeout: T_UI });
        const sender = await msg.getByTestId('chat-sender').innerText();
        if (sender !== 'Alice Anders') throw new StepError(`${t.name} shows sender "${sender}"`);
      }
    });

    await step("A turns the camera off: others see A's camera-off state; on again: video resumes", async () => {
      await A.page.getByTestId('cam-button').click();
      for (const t of [B, C, D]) {
        await waitFor(`${t.name} to see A camera-off`, async () => (await tileOf(t, A).getAttribute('data-cam-off')) === 'true', T_UI);
      }
      const framesOfA = async (t) => (await t.stats()).find((r) => r.peerId === A.id && r.kind === 'video')?.framesDecoded ?? 0;
      const before = await framesOfA(B);
      await A.page.getByTestId('cam-button').click();
      for (const t of [B, C, D]) {
        await waitFor(`${t.name} to see A camera-on`, async () => (await tileOf(t, A).getAttribute('data-cam-off')) === 'false', T_UI);
      }
      await waitFor('B to decode new frames of A after resume', async () => {
        const now = await framesOfA(B);
        return now > before + 10 ? true : { ok: false, detail: { before, now } };
      }, T_MEDIA, 500);
    });

    await step(`sample frames decoded per remote >= ${SAMPLE_AFTER_MS / 1000} s after D joined`, async () => {
      const wait = dJoinedAt + SAMPLE_AFTER_MS - Date.now();
      if (wait > 0) await sleep(wait);
      measurements.sampledAfterS = ((Date.now() - dJoinedAt) / 1000).toFixed(1);
      for (const t of [A, B, C, D]) {
        const rows = await t.stats();
        const tl = await t.timeline();
        measurements.joins.push([t.name, tl.joinedAt !== undefined && tl.firstRemoteFrameAt !== undefined ? Math.round(tl.firstRemoteFrameAt - tl.joinedAt) : 'n/a']);
        for (const r of rows.filter((r) => r.kind === 'video')) {
          const from = tabs.find((x) => x.id === r.peerId)?.name ?? r.peerId;
          const audio = rows.find((x) => x.peerId === r.peerId && x.kind === 'audio');
          measurements.frames.push([t.name, from, r.framesDecoded, `${r.frameWidth}x${r.frameHeight}`, r.packetsReceived, audio?.totalSamplesReceived ?? 0]);
        }
      }
    });

    await step("C closes its tab: C's tile disappears for the others and /health peers drops to 3", async () => {
      await C.page.close();
      C.closed = true;
      for (const t of [A, B, D]) {
        await waitFor(`${t.name} to drop C's tile`, async () => (await tileOf(t, C).count()) === 0, 10_000);
      }
      const h = await waitFor('/health peers == 3', async () => {
        const h = await health(base);
        return h.peers === 3 ? h : { ok: false, detail: h };
      }, 10_000);
      measurements.health.push(['after C left', h]);
    });
  } catch (err) {
    failed = err;
  }

  // ---- Report ----
  if (measurements.joins.length) {
    console.log('\njoin -> first remote frame (ms; A was alone until B joined, so A includes that wait)');
    console.log(table(['tab', 'ms'], measurements.joins));
  }
  if (measurements.frames.length) {
    console.log(`\nper remote, sampled ${measurements.sampledAfterS} s after D joined (rx = receiving tab)`);
    console.log(table(['rx', 'from', 'framesDecoded', 'size', 'videoPackets', 'audioSamples'], measurements.frames));
  }
  if (measurements.health.length) {
    console.log('\n/health');
    console.log(
      table(
        ['when', 'status', 'version', 'uptime', 'rooms', 'peers', 'workers'],
        measurements.health.map(([w, h]) => [w, h.status, h.version, h.uptimeSeconds, h.rooms, h.peers, h.workers]),
      ),
    );
  }

  const keep = failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1';
  if (keep) {
    for (const t of tabs) {
      if (!t.closed && !t.page.isClosed()) {
        await t.page.screenshot({ path: path.join(ARTIFACTS, `tab-${t.name}.png`) }).catch(() => {});
        const stats = await t.stats().catch((e) => `stats failed: ${e.message}`);
        fs.writeFileSync(path.join(ARTIFACTS, `tab-${t.name}-stats.json`), JSON.stringify(stats, null, 2));
      }
      fs.writeFileSync(path.join(ARTIFACTS, `tab-${t.name}-console.log`), t.console.join('\n'));
    }
  }

  await context?.close().catch(() => {});
  await server.stop();
  if (keep) fs.writeFileSync(path.join(ARTIFACTS, 'server.log'), server.lines.join('\n') + '\n');
  fs.rmSync(userDataDir, { recursive: true, force: true });

  const passed = results.filter((r) => r.ok).length;
  const failedCount = results.filter((r) => !r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    console.error(`server log tail:\n${server.tail(30)}`);
    console.error(`artifacts: ${ARTIFACTS}`);
  }
  console.log(`\ne2e: ${passed} passed, ${failedCount} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
