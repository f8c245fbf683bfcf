#!/usr/bin/env node
// Browser end-to-end test of access control: join tokens and room passcodes, with real
// Chromium tabs and the real jbcalling server. Run: node tests/e2e/access.e2e.mjs
//
// Part 1 runs a server with JB_TOKEN_SECRET set: a page without a token (or with a token from
// another secret) sees the error screen; a page with a token from `jbcalling token` joins under
// the token's name and the token leaves the address bar; a subscribe-only token receives media but
// its publish/chat requests are refused.
// Part 2 runs a server without a secret (open rooms): the creator sets a passcode on the landing
// page, a joiner is asked for it, gets a wrong one refused, then joins with the right one.
//
// Env: JB_SERVER_BIN, JB_WEB_ROOT, JB_CHROMIUM, JB_SERVER_LOG_LEVEL, JB_E2E_KEEP_ARTIFACTS=1 (see README.md).
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import {
  SERVER_BIN,
  ARTIFACTS,
  Server,
  StepError,
  Tab,
  checkPrerequisites,
  freeTcpPort,
  freeUdpBase,
  launchBrowser,
  makeLog,
  randomRoomId,
  saveArtifacts,
  serveArgs,
  stepper,
  table,
  waitFor,
  waitForMediaFrom,
  waitHealthy,
} from './lib/harness.mjs';
import { RawSignaling } from './lib/wsClient.mjs';

const WORKERS = 1;
const T_UI = 15_000;
const T_JOIN = 30_000;
const T_MEDIA = 60_000;

const log = makeLog('access');
const { step, results } = stepper(log);
const measured = [];
const note = (what, value) => measured.push([what, value]);

/** `jbcalling token ...` with the given secret; returns { token, url }. */
function mintToken(secret, args) {
  const out = execFileSync(SERVER_BIN, ['token', ...args], {
    env: { ...process.env, JB_TOKEN_SECRET: secret },
    encoding: 'utf8',
  });
  const [token, url] = out.trim().split('\n');
  if (!token || !url) throw new StepError(`jbcalling token printed ${JSON.stringify(out)}`);
  return { token, url };
}

async function startServer(secret) {
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(WORKERS);
  const base = `http://127.0.0.1:${httpPort}`;
  if (secret === undefined) delete process.env.JB_TOKEN_SECRET;
  else process.env.JB_TOKEN_SECRET = secret; // the server reads it from its environment, never argv
  const server = new Server(serveArgs({ httpPort, udpBase, workers: WORKERS }), log);
  server.start();
  delete process.env.JB_TOKEN_SECRET;
  await waitHealthy(server, base);
  return { server, base };
}

async function newTab(browser, tabs, name) {
  const page = browser.context.pages().find((p) => p.url() === 'about:blank' && !tabs.some((t) => t.page === p)) ?? (await browser.context.newPage());
  const tab = new Tab(name, page);
  tabs.push(tab);
  return tab;
}

async function waitJoined(tab) {
  await tab.page.waitForSelector('[data-testid="call-view"][data-phase="joined"]', { timeout: T_JOIN }).catch(async (err) => {
    const why = await tab.page.locator('[data-testid="error-banner"], [data-testid="access-denied"]').first().innerText().catch(() => '');
    throw new StepError(`${tab.name} did not join: ${why || err.message}`);
  });
  tab.id = await tab.peerId();
}

/** Name prompt -> join; returns the screen that follows ('joined' | access-denied code | 'passcode'). */
async function submitName(tab, displayName) {
  const input = tab.page.getByTestId('display-name-input');
  await input.waitFor({ timeout: T_UI });
  if (displayName !== undefined) await input.fill(displayName);
  await tab.page.getByTestId('join-button').click();
}

async function main() {
  checkPrerequisites();
  const secret = crypto.randomBytes(48).toString('base64');
  const browser = await launchBrowser();
  const tabs = [];
  const servers = [];
  process.on('exit', () => servers.forEach((s) => s.killSync()));

  let failed;
  try {
    // ---- Part 1: a server that requires join tokens ------------------------------------------
    const { server, base } = await step('server with JB_TOKEN_SECRET answers /health', () => startServer(secret));
    servers.push(server);
    const room = randomRoomId();

    await step('a page without a token is refused with a clear screen', async () => {
      const X = await newTab(browser, tabs, 'X');
      await X.page.goto(`${base}/r/${room}`);
      const t0 = Date.now();
      await submitName(X, 'No Token');
      const screen = X.page.locator('[data-testid="access-denied"]');
      await screen.waitFor({ timeout: T_UI });
      const code = await screen.getAttribute('data-code');
      const text = await screen.innerText();
      if (code !== 'token_required' || !/invitation/i.test(text)) throw new StepError(`screen ${code}: ${text}`);
      note('no token -> screen (code, ms)', `${code}, ${Date.now() - t0}`);
    });

    await step('a token signed with another secret is refused as invalid; the URL loses the token', async () => {
      const forged = mintToken(crypto.randomBytes(48).toString('base64'), ['--room', room, '--user', 'eve', '--url-base', base]);
      const X = tabs.find((t) => t.name === 'X');
      await X.page.goto(forged.url);
      await submitName(X, 'Eve');
      const screen = X.page.locator('[data-testid="access-denied"]');
      await waitFor('token_invalid screen', async () => (await screen.getAttribute('data-code')) === 'token_invalid', T_UI);
      if (X.page.url().includes('token=')) throw new StepError(`token still in the address bar: ${X.page.url()}`);
      note('foreign-secret token -> screen', 'token_invalid');
      await X.page.close();
    });

    const A = await newTab(browser, tabs, 'A');
    await step('a page with a token from `jbcalling token` joins under the token\'s name', async () => {
      const minted = mintToken(secret, ['--room', room, '--user', 'alice', '--name', 'Alice Signed', '--ttl', '10m', '--url-base', base]);
      if (minted.url !== `${base}/r/${room}?token=${minted.token}`) throw new StepError(`unexpected URL ${minted.url}`);
      await A.page.goto(minted.url);
      const input = A.page.getByTestId('display-name-input');
      await input.waitFor({ timeout: T_UI });
      const shown = await input.inputValue();
      if (shown !== 'Alice Signed' || !(await input.evaluate((el) => el.readOnly))) {
        throw new StepError(`name prompt shows "${shown}" (editable?) instead of the token's name`);
      }
      const t0 = Date.now();
      await A.page.getByTestId('join-button').click();
      await waitJoined(A);
      note('A: join click -> joined (ms)', Date.now() - t0);
      const url = A.page.url();
      if (url.includes('token') || !url.endsWith(`/r/${room}`)) throw new StepError(`address bar still holds the token: ${url}`);
      note('A: address bar after join', url.replace(base, ''));
      const selfName = await A.page.locator('[data-testid="tile"] [data-testid="tile-name"]').first().innerText();
      if (!selfName.includes('Alice Signed')) throw new StepError(`A's own tile reads "${selfName}"`);
    });

    const V = await newTab(browser, tabs, 'V');
    let viewerToken;
    await step('a subscribe-only token receives A but sends nothing', async () => {
      const minted = mintToken(secret, ['--room', room, '--user', 'viewer', '--name', 'Viewer Vic', '--no-publish', '--no-chat', '--url-base', base]);
      viewerToken = minted.token;
      await V.page.goto(minted.url);
      const t0 = Date.now();
      await submitName(V);
      await waitJoined(V);
      const rows = await waitForMediaFrom(V, [A], T_MEDIA);
      note('V: join -> media from A (ms)', Date.now() - t0);
      const video = rows.find((r) => r.peerId === A.id && r.kind === 'video');
      const audio = rows.find((r) => r.peerId === A.id && r.kind === 'audio');
      note('V: from A framesDecoded / audio samples', `${video.framesDecoded} / ${audio.totalSamplesReceived}`);
      // A sees V as a participant without media.
      const tile = A.page.locator(`[data-testid="tile"][data-peer-id="${V.id}"]`);
      await tile.waitFor({ timeout: T_UI });
      await waitFor('A to show V camera-off', async () => (await tile.getAttribute('data-cam-off')) === 'true', T_UI);
      const fromV = (await A.stats()).filter((r) => r.peerId === V.id);
      if (fromV.length) throw new StepError(`A consumes ${fromV.length} streams from a subscribe-only peer`);
      await V.page.getByTestId('chat-toggle').click();
      await V.page.getByTestId('chat-not-allowed').waitFor({ timeout: T_UI });
    });

    await step('the server itself refuses produce and chat for that token (forbidden)', async () => {
      const ws = await new RawSignaling(`${base.replace('http', 'ws')}/ws`).open();
      try {
        const caps = await ws.request('getRouterRtpCapabilities');
        const joined = await ws.request('join', {
          roomId: room,
          displayName: 'Raw Viewer',
          rtpCapabilities: caps.data.rtpCapabilities,
          token: viewerToken,
        });
        if (!joined.ok) throw new StepError(`join refused: ${JSON.stringify(joined.error)}`);
        const send = await ws.request('createWebRtcTransport', { direction: 'send' });
        const produce = await ws.request('produce', {
          transportId: send.data.id,
          kind: 'audio',
          rtpParameters: { codecs: [], encodings: [{ ssrc: 1 }] },
        });
        const chat = await ws.request('chat', { text: 'should not arrive' });
        const codes = [produce.ok ? 'ok' : produce.error.code, chat.ok ? 'ok' : chat.error.code];
        note('raw produce / chat with subscribe-only token', codes.join(' / '));
        if (codes.join() !== 'forbidden,forbidden') throw new StepError(`expected forbidden twice, got ${codes}`);
        note('join response displayName / permissions', `${joined.data.displayName} / ${JSON.stringify(joined.data.permissions)}`);
        if (joined.data.displayName !== 'Viewer Vic') throw new StepError('token name did not win over "Raw Viewer"');
      } finally {
        ws.close();
      }
    });
    await Promise.all([A, V].map((t) => t.page.close()));
    await server.stop();

    // ---- Part 2: open rooms with a passcode ---------------------------------------------------
    const open = await step('server without a secret answers /health', () => startServer(undefined));
    servers.push(open.server);
    const C = await newTab(browser, tabs, 'C');
    const J = await newTab(browser, tabs, 'J');
    const passcode = `tulip-${crypto.randomInt(1e6)}`;
    const roomUrl = await step('C creates a room with a passcode on the landing page', async () => {
      await C.page.goto(`${open.base}/`);
      await C.page.getByTestId('display-name-input').fill('Cora Creator');
      await C.page.getByTestId('create-passcode-input').fill(passcode);
      await C.page.getByTestId('create-room-button').click();
      await C.page.waitForURL(/\/r\/[a-z]{3}-[a-z]{4}-[a-z]{3}$/, { timeout: T_UI });
      await waitJoined(C);
      return C.page.url();
    });

    await step('J is asked for the passcode, a wrong one is refused, the right one joins', async () => {
      await J.page.goto(roomUrl);
      await submitName(J, 'Jay Joiner');
      const prompt = J.page.getByTestId('passcode-prompt');
      await prompt.waitFor({ timeout: T_UI });
      if (await J.page.getByTestId('passcode-error').count()) throw new StepError('first prompt already shows an error');
      await J.page.getByTestId('passcode-input').fill('rose');
      await J.page.getByTestId('passcode-submit').click();
      const error = J.page.getByTestId('passcode-error');
      await error.waitFor({ timeout: T_UI });
      const text = await error.innerText();
      if (!/wrong passcode/i.test(text)) throw new StepError(`after a wrong passcode: "${text}"`);
      note('J: wrong passcode message', text);
      await J.page.getByTestId('passcode-input').fill(passcode);
      const t0 = Date.now();
      await J.page.getByTestId('passcode-submit').click();
      await waitJoined(J);
      note('J: right passcode -> joined (ms)', Date.now() - t0);
      await waitForMediaFrom(J, [C], T_MEDIA, { videoOnly: true });
      await waitForMediaFrom(C, [J], T_MEDIA, { videoOnly: true });
      note('C <-> J decode video', 'yes');
      if (open.server.lines.some((l) => l.includes(passcode))) throw new StepError('the passcode appears in the server log');
    });
    await open.server.stop();
  } catch (err) {
    failed = err;
  }

  if (measured.length) {
    console.log('\nmeasured');
    console.log(table(['what', 'value'], measured));
  }
  const keep = failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1';
  if (keep) {
    for (const [i, s] of servers.entries()) await saveArtifacts(`access-${i}`, i === servers.length - 1 ? tabs : [], s);
  }
  await browser.close();
  for (const s of servers) await s.stop();
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    for (const s of servers) console.error(`server log tail:\n${s.tail(20)}`);
    console.error(`artifacts: ${ARTIFACTS}`);
  }
  console.log(`\naccess e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
