#!/usr/bin/env node
// Fault test: the server dies under a call and comes back. Two Chromium pages are in a call;
// the server is stopped (SIGTERM, SIGKILL if needed), later crashed (SIGKILL); both pages must show "Reconnecting";
// the server is started again on the same ports; both pages must rejoin by themselves and
// decode each other's video again, with the stale tiles replaced and mic state kept.
// Run: node tests/e2e/restart.e2e.mjs   (env as in tests/e2e/README.md)
import {
  Server,
  Tab,
  checkPrerequisites,
  freeTcpPort,
  freeUdpBase,
  health,
  launchBrowser,
  makeLog,
  randomRoomId,
  saveArtifacts,
  serveArgs,
  sleep,
  stepper,
  table,
  waitFor,
  waitForMediaFrom,
  waitHealthy,
  StepError,
} from './lib/harness.mjs';

const WORKERS = 2;
/** How long the server stays down: long enough for several failed attempts. */
const DOWN_MS = Number(process.env.JB_RESTART_DOWN_MS ?? 3000);
const T_MEDIA = 60_000;
/** The client retries at most every ~6 s, so rejoin plus media within this is generous. */
const T_REJOIN = 45_000;

const log = makeLog('restart');
const { step, results } = stepper(log);

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(WORKERS);
  const base = `http://127.0.0.1:${httpPort}`;
  const server = new Server(serveArgs({ httpPort, udpBase, workers: WORKERS }), log);
  process.on('exit', () => server.killSync());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.killSync();
      process.exit(130);
    });
  }

  let browser;
  const tabs = [];
  const rounds = [];
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
      await A.join(roomUrl, 'Alice Restart');
      await B.join(roomUrl, 'Bob Restart');
      await Promise.all([waitForMediaFrom(A, [B], T_MEDIA), waitForMediaFrom(B, [A], T_MEDIA)]);
    });

    await step('A turns the microphone off (must stay off after every rejoin)', async () => {
      await A.page.getByTestId('mic-button').click();
      await waitFor("B to see A's mic muted", async () =>
        (await B.page.locator(`[data-testid="tile"][data-peer-id="${A.id}"]`).getAttribute('data-mic-muted')) === 'true', 15_000);
    });

    // Round 1 stops the server cleanly (its sockets close with a close frame); round 2
    // crashes it (SIGKILL: the sockets just drop, 1006).
    for (const how of ['SIGTERM', 'SIGKILL']) {
      const m = { how };
      rounds.push(m);
      const oldIds = { A: A.id, B: B.id };

      await step(`${how}: stop the server; both pages show "Reconnecting"`, async () => {
        const killStart = Date.now();
        if (how === 'SIGTERM') {
          m.exit = await server.stop(5000);
        } else {
          server.proc.kill('SIGKILL');
          await waitFor('the server to die', async () => server.exit, 5000, 10);
          m.exit = server.exit;
        }
        m.killMs = Date.now() - killStart;
        m.showReconnecting = await Promise.all(
          [A, B].map(async (t) => {
            await waitFor(`${t.name} to show Reconnecting`, async () => {
              const st = await t.connectionState();
              const banner = await t.page.getByTestId('reconnecting').isVisible();
              return st === 'reconnecting' && banner ? true : { ok: false, detail: { st, banner } };
            }, 20_000, 50);
            return Date.now() - killStart;
          }),
        );
        const text = await A.page.getByTestId('reconnecting').innerText();
        if (!/Reconnecting/.test(text)) throw new StepError(`banner reads "${text}"`);
        // The tiles stay while away: A still shows B's tile.
        const tiles = await A.page.getByTestId('tile').count();
        if (tiles !== 2) throw new StepError(`A shows ${tiles} tiles while reconnecting, expected 2`);
      });

      await step(`${how}: server stays down ${DOWN_MS} ms; the pages keep retrying`, async () => {
        await sleep(DOWN_MS);
        for (const t of [A, B]) {
          const st = await t.connectionState();
          if (st !== 'reconnecting') throw new StepError(`${t.name} is "${st}" while the server is down`);
        }
        m.attempts = await Promise.all([A, B].map((t) => t.page.evaluate(() => window.__jb.reconnect().info?.attempt ?? 0)));
      });

      const restartAt = await step(`${how}: start the server again on the same ports`, async () => {
        const at = Date.now();
        server.start();
        await waitHealthy(server, base);
        m.serverUpMs = Date.now() - at;
        return at;
      });

      await step(`${how}: both pages rejoin and decode each other again`, async () => {
        m.rejoined = await Promise.all(
          [A, B].map(async (t) => {
            await waitFor(`${t.name} to be connected again`, async () => {
              const st = await t.connectionState();
              return st === 'connected' ? true : { ok: false, detail: st };
            }, T_REJOIN, 100);
            t.id = await t.peerId();
            return Date.now() - restartAt;
          }),
        );
        for (const t of [A, B]) {
          if (!t.id || t.id === oldIds[t.name]) throw new StepError(`${t.name} kept its old peer id ${t.id}`);
        }
        m.media = await Promise.all(
          [
            [A, B],
            [B, A],
          ].map(async ([rx, tx]) => {
            await waitForMediaFrom(rx, [tx], T_MEDIA, { videoOnly: true });
            return Date.now() - restartAt;
          }),
        );
        // Frames keep coming, not just one.
        const before = await A.framesFrom(B);
        await waitFor('A to keep decoding B', async () => (await A.framesFrom(B)) > before + 10, 20_000, 250);
      });

      await step(`${how}: stale tiles are replaced, mic state is kept, /health counts 2 peers`, async () => {
        for (const [viewer, other] of [
          [A, B],
          [B, A],
        ]) {
          await waitFor(`${viewer.name} to show exactly its own and ${other.name}'s new tile`, async () => {
            const ids = await viewer.page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-peer-id')));
            return ids.length === 2 && ids.includes(other.id) && !ids.includes(oldIds[other.name]) ? true : { ok: false, detail: ids };
          }, 15_000);
        }
        await waitFor("B to see A's mic still muted", async () =>
          (await B.page.locator(`[data-testid="tile"][data-peer-id="${A.id}"]`).getAttribute('data-mic-muted')) === 'true', 15_000);
        const micPressed = await A.page.getByTestId('mic-button').getAttribute('aria-pressed');
        if (micPressed !== 'false') throw new StepError(`A's mic button reads aria-pressed=${micPressed} after the rejoin`);
        await waitFor('/health peers == 2', async () => {
          const h = await health(base);
          return h.peers === 2 && h.rooms === 1 ? h : { ok: false, detail: h };
        }, 15_000);
      });
    }
  } catch (err) {
    failed = err;
  }

  if (rounds.length) {
    console.log('\nrestart: measured (ms unless noted)');
    const col = (m, f) => (m[f] ? m[f].join(' / ') : '-');
    console.log(
      table(
        ['what', ...rounds.map((m) => m.how)],
        [
          ['server exit', ...rounds.map((m) => (m.exit ? `${m.exit.signal ?? `code ${m.exit.code}`} after ${m.killMs}` : '-'))],
          ['kill -> "Reconnecting" shown (A / B)', ...rounds.map((m) => col(m, 'showReconnecting'))],
          [`attempts while down ${DOWN_MS} ms (A / B)`, ...rounds.map((m) => col(m, 'attempts'))],
          ['restart -> /health 200', ...rounds.map((m) => m.serverUpMs ?? '-')],
          ['restart -> connected again (A / B)', ...rounds.map((m) => col(m, 'rejoined'))],
          ['restart -> decoding the other (A / B)', ...rounds.map((m) => col(m, 'media'))],
        ],
      ),
    );
  }
  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') await saveArtifacts('restart', tabs, server);
  await browser?.close();
  await server.stop();
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    console.error(`server log tail:\n${server.tail(30)}`);
  }
  console.log(`\nrestart e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
