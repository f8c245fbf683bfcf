#!/usr/bin/env node
// Join-time benchmark (not CI): with real Chromium and the real web app, how long from the
// click on "Join" to the first remote video frame on screen? Median of N joins.
//
//   node bench/join/join-time.mjs [--runs 10] [--warmup 1] [--workers 2] [--json out.json]
//
// Setup: the server on free loopback ports; one Chromium (flags of shared/design/TESTING.md);
// page A joins the room and sends the fake camera and microphone. Then, N times, a fresh
// browser context (no cache, no storage: a first visit) opens the room link, types a name
// and clicks Join with its own fake camera and microphone, like a user; the context is
// closed after its first remote frame and the next join starts 1 s later. --warmup joins
// first that are not counted (the first context in a new browser pays one-time costs).
//
// Clock: the page's performance.now() (0 = navigation start), read by an init script:
//  - load:      navigation start → the name prompt's input is in the DOM (MutationObserver);
//  - t0:        the Join button's click event (a capturing listener; Playwright clicks it as soon
//               as the name is typed, so load → t0 is the harness's typing, not counted);
//  - ws open:   t0 → the signaling WebSocket is open (it opens on Join);
//  - joined:    t0 → the join response (the app's window.__jb.timeline.joinedAt);
//  - send/recv connected: t0 → the send / receive RTCPeerConnection reaches 'connected';
//  - 1st video packet: t0 → inbound-rtp (video) packetsReceived > 0, polled every 20 ms; the
//               receiver's pliCount/firCount at the first frame are printed too, and the
//               PLIs the SFU sent to A during the join (/metrics jb_plis_sent_total delta);
//  - frame:     t0 → requestVideoFrameCallback on a remote tile's <video> (data-self=false)
//               fires for the first time: the first remote frame decoded and presented.
//               This is the figure. The app's own timeline.firstRemoteFrameAt (same callback,
//               or 'loadeddata') is printed as a cross-check.
// Env as in tests/e2e/README.md: JB_SERVER_BIN, JB_WEB_ROOT, JB_CHROMIUM.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import {
  CHROME_ARGS,
  CHROMIUM,
  Server,
  Tab,
  checkPrerequisites,
  freeTcpPort,
  freeUdpBase,
  makeLog,
  metricSum,
  metrics,
  randomRoomId,
  serveArgs,
  serverHasOption,
  sleep,
  table,
  waitFor,
  waitHealthy,
} from '../../tests/e2e/lib/harness.mjs';

// playwright-core is installed for the browser tests (tests/e2e/node_modules), as the harness uses it.
const { chromium } = createRequire(new URL('../../tests/e2e/lib/harness.mjs', import.meta.url))('playwright-core');

function parseArgs(argv) {
  const opts = { runs: 10, warmup: 1, workers: 2, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--runs') opts.runs = Number(next());
    else if (a === '--warmup') opts.warmup = Number(next());
    else if (a === '--workers') opts.workers = Number(next());
    else if (a === '--json') opts.json = next();
    else {
      console.error('usage: node bench/join/join-time.mjs [--runs 10] [--warmup 1] [--workers 2] [--json out.json]');
      process.exit(2);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const log = makeLog('join');

/** Init script of each joining page: timestamps (performance.now()) of the join's stages. */
function joinProbe() {
  const t = {
    load: undefined,
    click: undefined,
    wsOpen: undefined,
    sendConnected: undefined,
    recvConnected: undefined,
    firstVideoPacket: undefined,
    frame: undefined,
    frameMeta: undefined,
    inbound: undefined,
  };
  window.__joinProbe = t;
  const pcs = [];
  // inbound-rtp (video) every 20 ms from the click until the first frame: when the first
  // video packet came, and what the receiver asked for meanwhile (PLI/FIR/NACK).
  const pollInbound = async () => {
    let row;
    for (const pc of pcs) {
      // mediasoup-client's capability probe is a closed peer connection: getStats() throws there.
      if (pc.signalingState === 'closed') continue;
      try {
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') row = s;
        });
      } catch {
        // Closed meanwhile.
      }
    }
    if (row && row.packetsReceived > 0 && t.firstVideoPacket === undefined) t.firstVideoPacket = performance.now();
    if (row) t.inbound = { pliCount: row.pliCount, firCount: row.firCount, nackCount: row.nackCount, keyFramesDecoded: row.keyFramesDecoded, packetsReceived: row.packetsReceived };
    if (t.frame === undefined) setTimeout(pollInbound, 20);
  };
  document.addEventListener(
    'click',
    (e) => {
      if (t.click === undefined && e.target instanceof Element && e.target.closest('[data-testid="join-button"]')) {
        t.click = performance.now();
        pollInbound();
      }
    },
    true,
  );
  const OriginalWs = window.WebSocket;
  window.WebSocket = class extends OriginalWs {
    constructor(...args) {
      super(...args);
      this.addEventListener('open', () => {
        if (t.wsOpen === undefined) t.wsOpen = performance.now();
      });
    }
  };
  const OriginalPc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends OriginalPc {
    constructor(...args) {
      super(...args);
      pcs.push(this);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState !== 'connected') return;
        const dirs = this.getTransceivers().map((x) => x.currentDirection);
        const key = dirs.includes('recvonly') ? 'recvConnected' : dirs.includes('sendonly') ? 'sendConnected' : undefined;
        if (key && t[key] === undefined) t[key] = performance.now();
      });
    }
  };
  const watched = new WeakSet();
  const watch = (video) => {
    if (watched.has(video) || typeof video.requestVideoFrameCallback !== 'function') return;
    watched.add(video);
    video.requestVideoFrameCallback(function onFrame(now, meta) {
      const tile = video.closest('[data-testid="tile"]');
      if (tile?.getAttribute('data-self') === 'false' && video.srcObject) {
        if (t.frame === undefined) {
          t.frame = now;
          t.frameMeta = { presentationTime: meta.presentationTime, receiveTime: meta.receiveTime, width: meta.width, height: meta.height };
        }
        return;
      }
      // Our own preview (or not in a tile yet): keep watching, the element may be reused.
      video.requestVideoFrameCallback(onFrame);
    });
  };
  new MutationObserver(() => {
    if (t.load === undefined && document.querySelector('[data-testid="display-name-input"]')) t.load = performance.now();
    document.querySelectorAll('video').forEach(watch);
  }).observe(document, { childList: true, subtree: true });
}

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
const r0 = (x) => (x === undefined || Number.isNaN(x) ? '-' : Math.round(x));

async function oneJoin(browser, base, url, index) {
  const plisBefore = metricSum(await metrics(base).catch(() => undefined), 'jb_plis_sent_total');
  const context = await browser.newContext({ viewport: { width: 960, height: 540 } });
  try {
    const page = await context.newPage();
    await page.addInitScript(joinProbe);
    await page.goto(url);
    const input = page.getByTestId('display-name-input');
    await input.waitFor({ timeout: 30_000 });
    await input.fill(`Joiner ${index}`);
    await page.getByTestId('join-button').click();
    const probe = await waitFor(
      'the first remote frame',
      () => page.evaluate(() => (window.__joinProbe.frame !== undefined ? { ...window.__joinProbe, timeline: { ...window.__jb?.timeline } } : undefined)),
      30_000,
      20,
    );
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { domContentLoaded: n?.domContentLoadedEventEnd, loadEvent: n?.loadEventEnd };
    });
    const rel = (x) => (x === undefined ? undefined : x - probe.click);
    const serverPlis = metricSum(await metrics(base).catch(() => undefined), 'jb_plis_sent_total') - plisBefore;
    return {
      serverPlis,
      index,
      load: probe.load,
      domContentLoaded: nav.domContentLoaded,
      wsOpen: rel(probe.wsOpen),
      joined: rel(probe.timeline.joinedAt),
      sendConnected: rel(probe.sendConnected),
      recvConnected: rel(probe.recvConnected),
      firstVideoPacket: rel(probe.firstVideoPacket),
      frame: rel(probe.frame),
      plis: probe.inbound?.pliCount,
      firs: probe.inbound?.firCount,
      appFrame: rel(probe.timeline.firstRemoteFrameAt),
      size: probe.frameMeta ? `${probe.frameMeta.width}x${probe.frameMeta.height}` : '-',
    };
  } finally {
    await context.close().catch(() => {});
  }
}

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(opts.workers);
  const base = `http://127.0.0.1:${httpPort}`;
  const extra = (await serverHasOption('--no-translation')) ? ['--no-translation'] : [];
  const server = new Server(serveArgs({ httpPort, udpBase, workers: opts.workers, extra }), log);
  let browser;
  const cleanup = () => server.killSync();
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));
  const results = [];
  try {
    server.start();
    await waitHealthy(server, base);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: false, args: CHROME_ARGS });
    const url = `${base}/r/${randomRoomId()}`;
    const aContext = await browser.newContext({ viewport: { width: 960, height: 540 } });
    const A = new Tab('A', await aContext.newPage());
    await A.join(url, 'Alice Publisher');
    log(`A joined ${url}; waiting 5 s for its encoder to warm up`);
    await sleep(5000);

    for (let i = 0; i < opts.warmup + opts.runs; i++) {
      const warm = i < opts.warmup;
      const r = await oneJoin(browser, base, url, i + 1);
      log(`${warm ? 'warm-up' : `join ${i + 1 - opts.warmup}/${opts.runs}`}: click → first remote frame ${r0(r.frame)} ms (joined ${r0(r.joined)}, recv connected ${r0(r.recvConnected)})`);
      if (!warm) results.push(r);
      await sleep(1000);
    }
    // A still decodes nobody (joiners left) but must still be in the call.
    await waitFor('A to be connected', async () => (await A.connectionState()) === 'connected', 5000);
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }

  console.log('\njoin → first remote frame, per join (ms from the click on Join; load from navigation start)');
  console.log(
    table(
      ['#', 'load', 'ws open', 'joined', 'send conn', 'recv conn', '1st video pkt', 'frame (rVFC)', 'app frame', 'PLI/FIR sent', 'SFU PLIs', 'size'],
      results.map((r, i) => [i + 1, r0(r.load), r0(r.wsOpen), r0(r.joined), r0(r.sendConnected), r0(r.recvConnected), r0(r.firstVideoPacket), r0(r.frame), r0(r.appFrame), `${r.plis ?? '-'}/${r.firs ?? '-'}`, r.serverPlis, r.size]),
    ),
  );
  const stat = (k) => {
    const xs = results.map((r) => r[k]).filter((x) => typeof x === 'number');
    return [r0(median(xs)), r0(quantile(xs, 0.9)), r0(Math.min(...xs)), r0(Math.max(...xs))];
  };
  console.log(`\nsummary of ${results.length} joins (ms)`);
  console.log(
    table(
      ['stage', 'median', 'p90', 'min', 'max'],
      [
        ['navigation start → name prompt', ...stat('load')],
        ['click → WebSocket open', ...stat('wsOpen')],
        ['click → join response', ...stat('joined')],
        ['click → send transport connected', ...stat('sendConnected')],
        ['click → recv transport connected', ...stat('recvConnected')],
        ['click → first video packet (20 ms polls)', ...stat('firstVideoPacket')],
        ['click → first remote frame (rVFC)', ...stat('frame')],
        ['click → first remote frame (app timeline)', ...stat('appFrame')],
      ],
    ),
  );
  const med = median(results.map((r) => r.frame));
  console.log(`\njoin time (click → first remote frame decoded), median of ${results.length}: ${r0(med)} ms (target < 500 ms: ${med < 500 ? 'met' : 'NOT met'})`);
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), opts, results }, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
