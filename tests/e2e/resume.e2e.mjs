#!/usr/bin/env node
// Session resumption (docs/protocol.md "Reconnect"): when only a page's signaling WebSocket
// drops, the page resumes the SAME peer on a new socket within the server's grace period,
// keeping its transports, producers and consumers; the others see "Reconnecting…" on its tile
// and in the participants list, never a leave and a rejoin.
//  a) A's socket is dropped (window.__jb.dropSignaling(): the page closes it, no `leave`);
//     B shows A as reconnecting, B never gets peerLeft for A, A is back with the same peer id
//     and video keeps decoding both ways; prints drop -> connected again.
//  b) A's browser is killed for good (SIGKILL): B shows A as reconnecting, then gets peerLeft
//     once the grace period (--resume-grace, short here) ends, and A's tile goes.
// Run: node tests/e2e/resume.e2e.mjs   (env as in tests/e2e/README.md)
import {
  Server,
  Tab,
  StepError,
  checkPrerequisites,
  chromiumPids,
  freeTcpPort,
  freeUdpBase,
  health,
  launchBrowser,
  makeLog,
  metricSum,
  metrics,
  randomRoomId,
  saveArtifacts,
  serveArgs,
  sleep,
  stepper,
  table,
  waitFor,
  waitForMediaFrom,
  waitHealthy,
} from './lib/harness.mjs';

const GRACE_S = Number(process.env.JB_RESUME_GRACE_S ?? 3);
const T_MEDIA = 60_000;
const log = makeLog('resume');
const { step, results } = stepper(log);

/**
 * Records, in the page, every signaling notification it receives and when a tile or a
 * participant row shows "reconnecting" for a peer, so short states and stray peerLeft
 * notifications are not missed between polls.
 */
function installRecorder() {
  window.__notes = [];
  window.__reconnectingSeen = {};
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        try {
          const m = JSON.parse(ev.data);
          if (m.notification) window.__notes.push({ at: performance.now(), method: m.method, data: m.data });
        } catch {
          // Not ours to judge.
        }
      });
    }
  };
  const scan = () => {
    for (const el of document.querySelectorAll('[data-reconnecting="true"]')) {
      const id = el.getAttribute('data-peer-id');
      const kind = el.getAttribute('data-testid');
      const seen = (window.__reconnectingSeen[id] ??= {});
      seen[kind] ??= performance.now();
    }
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-reconnecting'] });
}

const notesFor = (tab, method, peerId) =>
  tab.page.evaluate(([m, id]) => window.__notes.filter((n) => n.method === m && (n.data.peerId ?? n.data.id) === id), [method, peerId]);

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(1);
  const base = `http://127.0.0.1:${httpPort}`;
  const server = new Server(serveArgs({ httpPort, udpBase, workers: 1, extra: ['--resume-grace', String(GRACE_S)] }), log);
  process.on('exit', () => server.killSync());

  const browsers = [];
  const tabs = [];
  const m = {};
  let failed;
  try {
    server.start();
    await step('server answers /health', () => waitHealthy(server, base));
    // A gets a Chromium of its own so case (b) can kill it without touching B.
    const first = await launchBrowser();
    const second = await launchBrowser();
    browsers.push(first, second);
    const A = new Tab('A', first.context.pages()[0] ?? (await first.context.newPage()));
    const B = new Tab('B', second.context.pages()[0] ?? (await second.context.newPage()));
    tabs.push(A, B);
    await B.page.addInitScript(installRecorder);
    const roomUrl = `${base}/r/${randomRoomId()}`;

    await step('A and B join one room and decode each other', async () => {
      await A.join(roomUrl, 'Alice Resume');
      await B.join(roomUrl, 'Bob Resume');
      await Promise.all([waitForMediaFrom(A, [B], T_MEDIA), waitForMediaFrom(B, [A], T_MEDIA)]);
      await B.page.getByTestId('participants-toggle').click();
      await B.page.locator(`[data-testid="participant"][data-peer-id="${A.id}"]`).waitFor({ timeout: 10_000 });
    });

    await step("(a) A's WebSocket drops; B shows A as reconnecting; A resumes the same peer", async () => {
      const peerBefore = A.id;
      const framesBefore = { AfromB: await A.framesFrom(B), BfromA: await B.framesFrom(A) };
      const dropAt = Date.now();
      const dropped = await A.page.evaluate(() => window.__jb.dropSignaling());
      if (!dropped) throw new StepError('A had no open socket to drop');
      // The close event arrives a moment after the drop, so "connected" alone could be the old state.
      await waitFor('A to be connected again after a resume', async () => {
        const st = await A.connectionState();
        const { resumes, rejoins } = await A.page.evaluate(() => window.__jb.reconnect());
        return st === 'connected' && resumes + rejoins > 0 ? true : { ok: false, detail: { st, resumes, rejoins } };
      }, 15_000, 20);
      m.pollMs = Date.now() - dropAt;
      const { timeline, counts } = await A.page.evaluate(() => ({ timeline: window.__jb.timeline, counts: window.__jb.reconnect() }));
      m.dropToConnectedMs = Math.round(timeline.rejoinedAt - timeline.lostAt);
      if (counts.resumes !== 1 || counts.rejoins !== 0) throw new StepError(`A resumed ${counts.resumes}x, rejoined ${counts.rejoins}x (want 1 / 0)`);
      A.id = await A.peerId();
      if (A.id !== peerBefore) throw new StepError(`A came back as ${A.id}, was ${peerBefore}`);

      const seen = await B.page.evaluate((id) => window.__reconnectingSeen[id] ?? {}, A.id);
      if (!seen.tile) throw new StepError("B's tile for A never showed reconnecting");
      if (!seen.participant) throw new StepError("B's participants list never showed A reconnecting");
      const states = (await notesFor(B, 'peerConnectionState', A.id)).map((n) => n.data.state);
      if (states.join(',') !== 'reconnecting,connected') throw new StepError(`B got peerConnectionState ${states.join(',')}`);
      await waitFor("B's tile for A to clear its reconnecting state", async () =>
        (await B.page.locator(`[data-testid="tile"][data-peer-id="${A.id}"]`).getAttribute('data-reconnecting')) === 'false', 5_000, 50);

      // Media keeps flowing both ways on the same transports.
      await waitFor('video to keep decoding both ways', async () => {
        const now = { AfromB: await A.framesFrom(B), BfromA: await B.framesFrom(A) };
        return now.AfromB > framesBefore.AfromB + 30 && now.BfromA > framesBefore.BfromA + 30 ? now : { ok: false, detail: now };
      }, 20_000, 250);
      const left = await notesFor(B, 'peerLeft', A.id);
      if (left.length) throw new StepError(`B got peerLeft for A: ${JSON.stringify(left)}`);
      const joined = await notesFor(B, 'peerJoined', A.id);
      if (joined.length) throw new StepError('B got peerJoined for A again');
      const samples = await metrics(base);
      m.resumedOk = metricSum(samples, 'jb_signaling_resumes_total', { outcome: 'ok' });
      if (m.resumedOk !== 1) throw new StepError(`jb_signaling_resumes_total{outcome="ok"} = ${m.resumedOk}`);
      const h = await health(base);
      if (h.peers !== 2) throw new StepError(`/health peers = ${h.peers}`);
    });

    await step(`(b) A's browser is killed; B sees reconnecting, then peerLeft after the ${GRACE_S} s grace`, async () => {
      const pids = chromiumPids(first.userDataDir);
      if (!pids.length) throw new StepError("no process found for A's Chromium");
      const killAt = Date.now();
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await waitFor("B to show A's tile as reconnecting", async () =>
        (await B.page.locator(`[data-testid="tile"][data-peer-id="${A.id}"]`).getAttribute('data-reconnecting')) === 'true', 10_000, 50);
      m.killToReconnectingMs = Date.now() - killAt;
      await waitFor("A's tile to disappear from B", async () =>
        (await B.page.locator(`[data-testid="tile"][data-peer-id="${A.id}"]`).count()) === 0, (GRACE_S + 15) * 1000, 50);
      m.killToGoneMs = Date.now() - killAt;
      const left = await notesFor(B, 'peerLeft', A.id);
      if (left.length !== 1) throw new StepError(`B got ${left.length} peerLeft for A`);
      const reconnectingAt = (await notesFor(B, 'peerConnectionState', A.id)).filter((n) => n.data.state === 'reconnecting').at(-1);
      m.reconnectingToLeftMs = Math.round(left[0].at - reconnectingAt.at);
      if (m.reconnectingToLeftMs < GRACE_S * 1000 - 200) throw new StepError(`peerLeft came ${m.reconnectingToLeftMs} ms after reconnecting, before the grace`);
      const samples = await metrics(base);
      m.expired = metricSum(samples, 'jb_signaling_resumes_total', { outcome: 'expired' });
      if (m.expired !== 1) throw new StepError(`jb_signaling_resumes_total{outcome="expired"} = ${m.expired}`);
      await waitFor('/health peers == 1', async () => ((await health(base)).peers === 1 ? true : { ok: false }), 5_000);
      await sleep(200);
    });
  } catch (err) {
    failed = err;
  }

  console.log('\nresume: measured (ms)');
  console.log(
    table(
      ['what', 'value'],
      [
        ['(a) drop -> connected again (page timeline)', m.dropToConnectedMs ?? '-'],
        ['(a) drop -> connected seen by test poll', m.pollMs ?? '-'],
        ['(b) kill -> B shows reconnecting', m.killToReconnectingMs ?? '-'],
        ['(b) reconnecting -> peerLeft at B', m.reconnectingToLeftMs ?? '-'],
        [`(b) kill -> A's tile gone at B (grace ${GRACE_S} s)`, m.killToGoneMs ?? '-'],
      ],
    ),
  );
  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') await saveArtifacts('resume', tabs.filter((t) => !t.page.isClosed()), server);
  for (const b of browsers) await b.close();
  await server.stop();
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    console.error(`server log tail:\n${server.tail(30)}`);
  }
  console.log(`\nresume e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
