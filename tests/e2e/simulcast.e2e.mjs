#!/usr/bin/env node
// Simulcast in real Chromium through the real server. Page A sends its camera (Chromium's
// fake 1280x720 camera) as three VP8 simulcast layers; its getStats must show all three
// (r0 320x180, r1 640x360, r2 1280x720) being encoded. Page B receives it as a simulcast
// consumer. B's tile of A is then made small and large by CSS, which drives the app's own
// path (ResizeObserver -> layer choice -> setConsumerPreferredLayers): the decoded frame
// width must fall to a low layer and rise back to the top one, and each switch is timed
// from the request to the first stats reading at the new size (median of several). Hiding
// the tile (display:none) must pause the consumer: B's packetsReceived for it stops
// growing; showing it again must resume the flow. Last, a third page joins and all three must
// decode each other's simulcast cameras.
// Run: node tests/e2e/simulcast.e2e.mjs   (env as in tests/e2e/README.md)
import {
  Server,
  Tab,
  checkPrerequisites,
  freeTcpPort,
  freeUdpBase,
  launchBrowser,
  makeLog,
  randomRoomId,
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
} from './lib/harness.mjs';

const WORKERS = 2;
const T_MEDIA = 60_000;
/** The encoder starts low and adds layers as the bandwidth estimate grows. */
const T_LAYERS = 45_000;
/** From the request to the new size decoded: a keyframe of the new layer must come. */
const T_SWITCH = 15_000;
const SWITCHES = 4;

const log = makeLog('simulcast');
const { step, results } = stepper(log);

/** CSS for B's tile of A: big (the whole window), small (a 160x90 thumbnail), hidden, or as laid out. */
function tileCss(peerId, how) {
  const sel = `[data-testid="tile"][data-peer-id="${peerId}"]`;
  if (how === 'big') return `${sel} { position: fixed !important; inset: 0 !important; width: 100vw !important; height: 100vh !important; z-index: 50; }`;
  if (how === 'small') return `${sel} { position: fixed !important; left: 0 !important; top: 0 !important; width: 160px !important; height: 90px !important; z-index: 50; }`;
  if (how === 'hidden') return `${sel} { display: none !important; }`;
  return '';
}

async function setTile(tab, peerId, how) {
  await tab.page.evaluate((css) => {
    let el = document.getElementById('e2e-tile-style');
    if (!el) {
      el = document.createElement('style');
      el.id = 'e2e-tile-style';
      document.head.appendChild(el);
    }
    el.textContent = css;
  }, tileCss(peerId, how));
}

async function videoRow(tab, from) {
  const rows = await tab.stats();
  return rows.find((r) => r.peerId === from.id && r.source === 'webcam');
}

async function layerInfo(tab, from) {
  const { layers, requests } = await tab.page.evaluate(() => window.__jb.videoLayers());
  const info = layers.find((l) => l.peerId === from.id);
  return { info, requests: requests.filter((r) => r.consumerId === info?.consumerId) };
}

/**
 * Makes B's tile of A `how`, waits for the app's request for `layer`, then polls B's stats
 * in the page every 30 ms until `done(frameWidth)`. Returns the request → new size time.
 */
async function switchLayer(B, A, how, layer, done, doneText) {
  const before = (await layerInfo(B, A)).requests.length;
  await setTile(B, A.id, how);
  const req = await waitFor(`B to request layer ${layer} for A`, async () => {
    const { requests } = await layerInfo(B, A);
    const r = requests.slice(before).find((q) => q.method === 'setConsumerPreferredLayers' && q.spatialLayer === layer);
    return r ?? { ok: false, detail: requests.slice(before) };
  }, 5000, 50);
  const seen = await B.page.evaluate(
    async ({ peer, maxWidth, minWidth, timeoutMs }) => {
      const end = performance.now() + timeoutMs;
      let last;
      while (performance.now() < end) {
        const rows = await window.__jb.stats();
        last = rows.find((r) => r.peerId === peer && r.source === 'webcam');
        const w = last?.frameWidth ?? 0;
        if (w > 0 && w <= maxWidth && w >= minWidth) return { at: performance.now(), width: w, height: last.frameHeight };
        await new Promise((r) => setTimeout(r, 30));
      }
      return { at: undefined, width: last?.frameWidth, height: last?.frameHeight };
    },
    { peer: A.id, ...done, timeoutMs: T_SWITCH },
  );
  if (seen.at === undefined) throw new StepError(`B never decoded ${doneText} from A after requesting layer ${layer}; last ${seen.width}x${seen.height}`);
  return { ms: seen.at - req.at, width: seen.width, height: seen.height };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(WORKERS);
  const base = `http://127.0.0.1:${httpPort}`;
  const extra = (await serverHasOption('--no-translation')) ? ['--no-translation'] : [];
  const server = new Server(serveArgs({ httpPort, udpBase, workers: WORKERS, extra }), log);
  process.on('exit', () => server.killSync());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.killSync();
      process.exit(130);
    });
  }

  let browser;
  const tabs = [];
  const report = {};
  let failed;
  try {
    server.start();
    await step('server answers /health', () => waitHealthy(server, base));
    browser = await launchBrowser();
    const A = new Tab('A', browser.context.pages()[0] ?? (await browser.context.newPage()));
    const B = new Tab('B', await browser.context.newPage());
    tabs.push(A, B);
    const roomUrl = `${base}/r/${randomRoomId()}`;

    await step('A and B join one room and decode each other', async () => {
      await A.join(roomUrl, 'Alice Sender');
      await B.join(roomUrl, 'Bob Receiver');
      await Promise.all([waitForMediaFrom(A, [B], T_MEDIA), waitForMediaFrom(B, [A], T_MEDIA)]);
    });

    await step("hiding B's tile of A pauses its consumer: no more packets arrive", async () => {
      const flowing = await packetGrowth(B, A, 2000);
      if (flowing < 20) throw new StepError(`only ${flowing} packets in 2 s before hiding: video was not flowing`);
      await setTile(B, A.id, 'hidden');
      await waitFor('B to pause its consumer of A', async () => {
        const { info, requests } = await layerInfo(B, A);
        return info?.paused && requests.some((r) => r.method === 'pauseConsumer') ? true : { ok: false, detail: info };
      }, 5000, 50);
      // Packets already on the way land during the first second.
      await sleep(1000);
      const paused = await packetGrowth(B, A, 3000);
      log(`packets from A in 2 s while shown: ${flowing}; in 3 s while hidden: ${paused}`);
      report.packetsWhileHidden = paused;
      if (paused > 2) throw new StepError(`${paused} packets arrived in 3 s while A's tile was hidden`);
    });

    await step("showing it again resumes the consumer: packets and frames flow", async () => {
      const frames = (await videoRow(B, A))?.framesDecoded ?? 0;
      const at = Date.now();
      await setTile(B, A.id, 'laid out');
      await waitFor('B to decode A again', async () => {
        const r = await videoRow(B, A);
        return r && r.framesDecoded > frames + 10 ? r : { ok: false, detail: r && { frames: r.framesDecoded, packets: r.packetsReceived } };
      }, T_SWITCH, 100);
      report.resumeMs = Date.now() - at;
      const { info } = await layerInfo(B, A);
      if (info.paused) throw new StepError('B still reports the consumer paused');
      const growth = await packetGrowth(B, A, 2000);
      if (growth < 20) throw new StepError(`only ${growth} packets in 2 s after showing the tile again`);
      log(`shown again → 10 more frames decoded in ${report.resumeMs} ms`);
    });
    await step("A's camera leaves as three simulcast layers (getStats outbound-rtp per rid)", async () => {
      // One stream without a rid: the app fell back to one layer because the server refused simulcast.
      const initial = await A.page.evaluate(() => window.__jb.sendLayers());
      if (initial.length === 1 && !initial[0].rid) throw new StepError("A sends one layer: the server refused the simulcast camera (see A's console)");
      const layers = await waitFor('A to encode r0, r1 and r2', async () => {
        const rows = await A.page.evaluate(() => window.__jb.sendLayers());
        const sent = rows.filter((r) => r.rid && r.frameWidth > 0 && r.bytesSent > 0);
        return sent.length === 3 ? rows : { ok: false, detail: rows.map((r) => `${r.rid}:${r.frameWidth}x${r.frameHeight}:${r.qualityLimitationReason}`) };
      }, T_LAYERS, 500);
      const widths = layers.map((l) => l.frameWidth);
      log(table(['rid', 'size', 'fps', 'bytes', 'limited by'], layers.map((l) => [l.rid, `${l.frameWidth}x${l.frameHeight}`, l.framesPerSecond, l.bytesSent, l.qualityLimitationReason])));
      if (!(widths[0] < widths[1] && widths[1] < widths[2])) throw new StepError(`layer widths are not increasing: ${widths.join(', ')}`);
      // 1280x720 captured: r2 is the full size unless the CPU made the encoder scale down.
      report.sendLayers = layers.map((l) => `${l.rid}=${l.frameWidth}x${l.frameHeight}`).join(' ');
    });

    await step("B consumes A's camera as a simulcast consumer", async () => {
      const { info } = await layerInfo(B, A);
      if (!info) throw new StepError("B has no camera consumer of A under VideoLayerControl");
      if (!info.simulcast) throw new StepError(`B's consumer of A is not simulcast (consume answered type "${info.simulcast}")`);
    });

    let topWidth = 0;
    await step("B's tile of A made big: the top layer arrives", async () => {
      await setTile(B, A.id, 'big');
      const row = await waitFor('B to decode A at 1280 wide', async () => {
        const r = await videoRow(B, A);
        return r && r.frameWidth >= 960 ? r : { ok: false, detail: r && `${r.frameWidth}x${r.frameHeight}` };
      }, T_SWITCH * 2, 200);
      topWidth = row.frameWidth;
      const { info } = await layerInfo(B, A);
      if (info.preferredLayer !== 2) throw new StepError(`B's preferred layer for a full-window tile is ${info.preferredLayer}, expected 2`);
      log(`top layer decoded at ${row.frameWidth}x${row.frameHeight}`);
    });

    const down = [];
    const up = [];
    await step(`switch B's tile of A small ↔ big ${SWITCHES} times; frameWidth follows`, async () => {
      for (let i = 0; i < SWITCHES; i++) {
        const d = await switchLayer(B, A, 'small', 0, { maxWidth: topWidth / 2, minWidth: 1 }, `≤ ${topWidth / 2} px wide`);
        down.push(d);
        const { info } = await waitFor('the server to report layer 0 (consumerLayersChanged)', async () => {
          const l = await layerInfo(B, A);
          return l.info?.currentLayer === 0 ? l : { ok: false, detail: l.info?.currentLayer };
        }, 5000, 50);
        void info;
        await sleep(1000);
        const u = await switchLayer(B, A, 'big', 2, { maxWidth: Infinity, minWidth: topWidth }, `${topWidth} px wide`);
        up.push(u);
        await waitFor('the server to report layer 2', async () => ((await layerInfo(B, A)).info?.currentLayer === 2 ? true : { ok: false }), 5000, 50);
        await sleep(1000);
      }
      log(
        table(
          ['#', 'down (ms)', 'low size', 'up (ms)', 'top size'],
          down.map((d, i) => [i + 1, Math.round(d.ms), `${d.width}x${d.height}`, Math.round(up[i].ms), `${up[i].width}x${up[i].height}`]),
        ),
      );
      report.downMedianMs = Math.round(median(down.map((d) => d.ms)));
      report.upMedianMs = Math.round(median(up.map((u) => u.ms)));
      log(`layer switch, request → new size decoded: down median ${report.downMedianMs} ms, up median ${report.upMedianMs} ms`);
    });


    await step('a third participant C joins: A, B and C each decode the simulcast cameras of the other two', async () => {
      await setTile(B, A.id, 'laid out');
      const C = new Tab('C', await browser.context.newPage());
      tabs.push(C);
      await C.join(roomUrl, 'Cleo Third');
      await Promise.all([
        waitForMediaFrom(A, [B, C], T_MEDIA, { videoOnly: true }),
        waitForMediaFrom(B, [A, C], T_MEDIA, { videoOnly: true }),
        waitForMediaFrom(C, [A, B], T_MEDIA, { videoOnly: true }),
      ]);
    });
  } catch (err) {
    failed = err;
  } finally {
    const keep = failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1';
    if (keep) await saveArtifacts('simulcast', tabs, server).catch(() => {});
    await browser?.close();
    await server.stop();
  }
  const passed = results.filter((r) => r.ok).length;
  log(`report: ${JSON.stringify(report)}`);
  console.log(`e2e: ${passed} passed, ${results.length - passed} failed`);
  if (failed) {
    console.error(failed instanceof Error ? failed.stack : failed);
    process.exit(1);
  }
}

/** packetsReceived of B's consumer of A's camera grown over `ms`. */
async function packetGrowth(B, A, ms) {
  const before = (await videoRow(B, A))?.packetsReceived ?? 0;
  await sleep(ms);
  return ((await videoRow(B, A))?.packetsReceived ?? 0) - before;
}

main();
