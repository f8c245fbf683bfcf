#!/usr/bin/env node
// TURN relay in real Chromium: a real coturn (started here, loopback only, REST-API shared
// secret) and jbcalling started with --turn-url pointing at it and the same secret in
// $JB_TURN_SECRET.
//  a) The join response carries a time-limited credential ("<expiry>:<peerId>",
//     base64(HMAC-SHA1(secret, username))). Pages A and B open the room with ?ice=relay
//     (iceTransportPolicy 'relay'), decode each other, and every connected transport's
//     selected candidate pair has a local candidate of type 'relay'.
//  b) Page X gets an expired credential (username "<an hour ago>:x", HMAC with the right
//     secret) through window.__jb.overrideIceServers() before joining with ?ice=relay:
//     coturn refuses it, and the page shows the "could not connect through the relay" error
//     banner (window.__jb.mediaError()) and decodes nothing, while A and B go on.
// Run: node tests/e2e/relay.e2e.mjs   (env as in tests/e2e/README.md; needs /usr/bin/turnserver)
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  Server,
  Tab,
  checkPrerequisites,
  freeTcpPort,
  freeUdpBase,
  launchBrowser,
  makeLog,
  randomRoomId,
  readiness,
  saveArtifacts,
  serveArgs,
  serverHasOption,
  sleep,
  stepper,
  table,
  waitFor,
  waitForMediaFrom,
  waitHealthy,
  StepError,
  ARTIFACTS,
} from './lib/harness.mjs';
import { RawSignaling } from './lib/wsClient.mjs';

const TURNSERVER = process.env.JB_TURNSERVER ?? '/usr/bin/turnserver';
const WORKERS = 2;
const T_MEDIA = 60_000;
const CREDENTIAL_TTL = 600;
/** Relay ports coturn may hand out (two pages x two transports need four; spare for retries). */
const RELAY_PORTS = 40;

const log = makeLog('relay');
const { step, results } = stepper(log);

const hmac = (secret, username) => crypto.createHmac('sha1', secret).update(username).digest('base64');

function tcpFree(port) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port free for both UDP and TCP (coturn listens on both). */
async function freeTurnPort() {
  for (let i = 0; i < 20; i++) {
    const port = await freeUdpBase(2);
    if ((await tcpFree(port)) && (await tcpFree(port + 1))) return port;
  }
  throw new Error('no free port for coturn');
}

/** One STUN Binding request (RFC 8489 §6.1) to 127.0.0.1:port; true when a success response comes back. */
function stunBinding(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const tid = crypto.randomBytes(12);
    const msg = Buffer.alloc(20);
    msg.writeUInt16BE(0x0001, 0);
    msg.writeUInt16BE(0, 2);
    msg.writeUInt32BE(0x2112a442, 4);
    tid.copy(msg, 8);
    const done = (ok) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('message', (m) => {
      if (m.length >= 20 && m.readUInt16BE(0) === 0x0101 && m.subarray(8, 20).equals(tid)) done(true);
    });
    sock.on('error', () => done(false));
    sock.send(msg, port, '127.0.0.1');
  });
}

/** coturn in a temp dir of its own, loopback only (shared/design/TESTING.md). */
class Coturn {
  constructor(secret) {
    this.secret = secret;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-e2e-turn-'));
    this.lines = [];
    this.proc = undefined;
    this.exit = undefined;
  }

  async start() {
    this.port = await freeTurnPort();
    const relayBase = await freeUdpBase(RELAY_PORTS);
    this.args = [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${this.port}`,
      `--alt-listening-port=${this.port + 1}`,
      `--min-port=${relayBase}`,
      `--max-port=${relayBase + RELAY_PORTS - 1}`,
      '--use-auth-secret',
      `--static-auth-secret=${this.secret}`,
      '--realm=jbcalling.test',
      '--allow-loopback-peers',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      `--db=${this.dir}/turndb`,
      `--pidfile=${this.dir}/turnserver.pid`,
      '--log-file=stdout',
      '--simple-log',
    ];
    log(`starting ${TURNSERVER} on 127.0.0.1:${this.port} (relay ports ${relayBase}-${relayBase + RELAY_PORTS - 1})`);
    const proc = spawn(TURNSERVER, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    for (const stream of [proc.stdout, proc.stderr]) {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          this.lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    }
    proc.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.lines.push(`[exit] code=${code} signal=${signal}`);
    });
    proc.on('error', (err) => {
      this.exit = { code: -1, signal: null };
      this.lines.push(`[spawn error] ${err.message}`);
    });
    await waitFor('coturn to answer a STUN Binding request', async () => {
      if (this.exit) throw new StepError(`coturn exited: ${JSON.stringify(this.exit)}\n${this.tail()}`);
      return stunBinding(this.port, 500);
    }, 15_000, 100);
  }

  get url() {
    return `turn:127.0.0.1:${this.port}?transport=udp`;
  }

  async stop() {
    if (this.proc && !this.exit) {
      this.proc.kill('SIGTERM');
      const start = Date.now();
      while (!this.exit && Date.now() - start < 3000) await sleep(20);
      if (!this.exit) {
        this.proc.kill('SIGKILL');
        while (!this.exit && Date.now() - start < 6000) await sleep(20);
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  killSync() {
    if (this.proc && !this.exit) this.proc.kill('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  tail(n = 30) {
    return this.lines.slice(-n).join('\n');
  }
}

/** The ICE route of each transport of a tab (window.__jb.iceRoutes()). */
const routesOf = (tab) => tab.page.evaluate(() => window.__jb.iceRoutes());

async function main() {
  checkPrerequisites();
  if (!fs.existsSync(TURNSERVER)) {
    console.error(`missing coturn (JB_TURNSERVER): ${TURNSERVER}; apt-get install coturn`);
    process.exit(2);
  }
  if (!(await serverHasOption('--turn-url'))) {
    console.error('the server has no --turn-url option');
    process.exit(2);
  }
  // >= 32 bytes, as the server demands; coturn gets the same one.
  const secret = crypto.randomBytes(32).toString('hex');
  const turn = new Coturn(secret);
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(WORKERS);
  const base = `http://127.0.0.1:${httpPort}`;
  let server;
  const cleanup = () => {
    server?.killSync();
    turn.killSync();
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  }

  let browser;
  const tabs = [];
  const measured = {};
  let failed;
  try {
    await step('coturn starts and answers STUN on 127.0.0.1', () => turn.start());

    await step('jbcalling starts with --turn-url and $JB_TURN_SECRET; /ready reports the TURN server reachable', async () => {
      const extra = ['--turn-url', turn.url, '--turn-credential-ttl', String(CREDENTIAL_TTL)];
      if (await serverHasOption('--no-translation')) extra.push('--no-translation');
      // Only the server gets the secret (spawn passes this environment on).
      process.env.JB_TURN_SECRET = secret;
      server = new Server(serveArgs({ httpPort, udpBase, workers: WORKERS, extra }), log);
      server.start();
      delete process.env.JB_TURN_SECRET;
      await waitHealthy(server, base);
      const ready = await waitFor('/ready to report the TURN server reachable', async () => {
        const r = await readiness(base);
        return r.checks?.turn === true ? r : { ok: false, detail: r };
      }, 25_000, 250);
      measured.ready = JSON.stringify(ready.checks);
    });

    await step('a join response carries a time-limited TURN credential for this peer', async () => {
      const ws = new RawSignaling(`${base.replace('http', 'ws')}/ws`);
      await ws.open();
      try {
        const caps = await ws.request('getRouterRtpCapabilities', {});
        const joined = await ws.request('join', {
          roomId: randomRoomId(),
          displayName: 'Credential check',
          rtpCapabilities: caps.data.rtpCapabilities,
        });
        if (!joined.ok) throw new StepError(`join failed: ${JSON.stringify(joined.error)}`);
        const { iceServers, peerId } = joined.data;
        const entry = iceServers?.[0];
        const urls = Array.isArray(entry?.urls) ? entry.urls : [entry?.urls];
        if (iceServers?.length !== 1 || !urls.includes(turn.url)) throw new StepError(`iceServers: ${JSON.stringify(iceServers)}`);
        const m = /^(\d+):(.+)$/.exec(entry.username ?? '');
        if (!m || m[2] !== peerId) throw new StepError(`username "${entry.username}" is not "<expiry>:${peerId}"`);
        const ttl = Number(m[1]) - Math.floor(Date.now() / 1000);
        if (Math.abs(ttl - CREDENTIAL_TTL) > 30) throw new StepError(`credential expires in ${ttl} s, expected ~${CREDENTIAL_TTL}`);
        if (entry.credential !== hmac(secret, entry.username)) throw new StepError('credential is not base64(HMAC-SHA1(secret, username))');
        measured.credential = `${entry.username.replace(/:.*/, ':<peerId>')} (expires in ${ttl} s)`;
        await ws.request('leave', {}).catch(() => {});
      } finally {
        ws.close();
      }
    });

    browser = await launchBrowser();
    const A = new Tab('A', browser.context.pages()[0] ?? (await browser.context.newPage()));
    const B = new Tab('B', await browser.context.newPage());
    tabs.push(A, B);
    const room = randomRoomId();
    const relayUrl = `${base}/r/${room}?ice=relay`;

    await step('a) A and B join with ?ice=relay and decode each other through coturn', async () => {
      const at = Date.now();
      await A.join(relayUrl, 'Alice Relay');
      await B.join(relayUrl, 'Bob Relay');
      await Promise.all([waitForMediaFrom(A, [B], T_MEDIA), waitForMediaFrom(B, [A], T_MEDIA)]);
      measured.mediaMs = Date.now() - at;
      // Frames keep coming, not just one.
      const before = await A.framesFrom(B);
      await waitFor('A to keep decoding B', async () => (await A.framesFrom(B)) > before + 10, 20_000, 250);
    });

    await step('a) every transport of A and B uses a relay candidate (selected pair)', async () => {
      measured.routes = [];
      for (const t of [A, B]) {
        const routes = await waitFor(`${t.name}'s transports to be connected with a selected pair`, async () => {
          const r = await routesOf(t);
          const done = r.length === 2 && r.every((x) => x.connectionState === 'connected' && x.localCandidateType);
          return done ? r : { ok: false, detail: r };
        }, 20_000, 250);
        for (const r of routes) {
          measured.routes.push([t.name, r.direction, r.localCandidateType, r.relayProtocol ?? '-', r.remoteCandidateType, r.bytesReceived + r.bytesSent]);
          if (r.localCandidateType !== 'relay') {
            throw new StepError(`${t.name} ${r.direction}: local candidate is "${r.localCandidateType}", not relay: ${JSON.stringify(r)}`);
          }
        }
      }
      if (await A.page.getByTestId('error-banner').count()) {
        throw new StepError(`A shows an error: ${await A.page.getByTestId('error-banner').innerText()}`);
      }
    });

    const X = new Tab('X', await browser.context.newPage());
    tabs.push(X);
    await step('b) X joins with ?ice=relay and an expired TURN credential: the relay error banner shows', async () => {
      const username = `${Math.floor(Date.now() / 1000) - 3600}:x`;
      measured.expired = username;
      await X.page.goto(relayUrl);
      await X.page.getByTestId('display-name-input').waitFor({ timeout: 30_000 });
      await X.page.evaluate(
        ([urls, u, c]) => window.__jb.overrideIceServers([{ urls, username: u, credential: c }]),
        [[turn.url], username, hmac(secret, username)],
      );
      const at = Date.now();
      await X.page.getByTestId('display-name-input').fill('Xavier Expired');
      await X.page.getByTestId('join-button').click();
      const banner = X.page.locator('[data-testid="error-banner"] .error-banner[data-code="media_connect_failed"]');
      await banner.waitFor({ state: 'visible', timeout: 40_000 });
      measured.bannerMs = Date.now() - at;
      const text = await banner.innerText();
      measured.banner = text.replace(/\s+/g, ' ').trim();
      if (!/could not connect through the relay/i.test(text)) throw new StepError(`banner reads "${text}"`);
      const hook = await X.page.evaluate(() => window.__jb.mediaError());
      if (!hook || hook.code !== 'media_connect_failed' || hook.fatal) throw new StepError(`__jb.mediaError(): ${JSON.stringify(hook)}`);
      // coturn says why: it refused the expired user name.
      await waitFor('coturn to log the refused credential', async () => turn.lines.some((l) => l.includes(username)), 10_000, 200);
      measured.coturnSays = turn.lines.find((l) => l.includes(username))?.replace(/^\d+: : /, '');
    });

    await step('b) X stays in the call with the banner (one rejoin at most) and decodes nothing; A and B go on', async () => {
      // The one rejoin (for fresh credentials) fails the same way; then the page settles.
      await sleep(5000);
      const state = await X.connectionState();
      if (state !== 'connected') throw new StepError(`X is "${state}" (its signaling should stay up)`);
      const { rejoins } = await X.page.evaluate(() => window.__jb.reconnect());
      if (rejoins > 1) throw new StepError(`X rejoined ${rejoins} times`);
      measured.xRejoins = rejoins;
      if (!(await X.page.locator('.error-banner[data-code="media_connect_failed"]').isVisible())) throw new StepError('the banner went away');
      const rows = await X.stats();
      const decoded = rows.reduce((n, r) => n + r.framesDecoded + r.totalSamplesReceived, 0);
      if (decoded > 0) throw new StepError(`X decoded media without a relay: ${JSON.stringify(rows)}`);
      const routes = await routesOf(X);
      if (routes.some((r) => r.connectionState === 'connected')) throw new StepError(`X has a connected transport: ${JSON.stringify(routes)}`);
      // A and B see X join (signaling works) and keep decoding each other.
      await waitFor("A to show X's tile", async () => (await A.page.getByTestId('tile').count()) === 3, 15_000);
      const before = await A.framesFrom(B);
      await waitFor('A to keep decoding B', async () => (await A.framesFrom(B)) > before + 10, 20_000, 250);
    });
  } catch (err) {
    failed = err;
  }

  console.log('\nrelay: measured');
  console.log(
    table(
      ['what', 'value'],
      [
        ['/ready checks', measured.ready ?? '-'],
        ['join credential', measured.credential ?? '-'],
        ['A+B join -> decoding each other (ms)', measured.mediaMs ?? '-'],
        ['X join click -> relay error banner (ms)', measured.bannerMs ?? '-'],
        ['X expired username', measured.expired ?? '-'],
        ['X rejoins', measured.xRejoins ?? '-'],
        ['coturn', measured.coturnSays ?? '-'],
        ['banner', measured.banner ?? '-'],
      ],
    ),
  );
  if (measured.routes?.length) {
    console.log(table(['tab', 'transport', 'local', 'relay proto', 'remote', 'bytes'], measured.routes));
  }
  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') {
    await saveArtifacts('relay', tabs, server);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.writeFileSync(path.join(ARTIFACTS, 'relay-coturn.log'), turn.lines.join('\n') + '\n');
  }
  await browser?.close();
  await server?.stop();
  await turn.stop();
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    if (server) console.error(`server log tail:\n${server.tail(20)}`);
    console.error(`coturn log tail:\n${turn.tail(20)}`);
  }
  console.log(`\nrelay e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
