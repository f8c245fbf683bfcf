#!/usr/bin/env node
// Screen sharing in real Chromium: page A shares its screen (Chromium's fake capture, picked
// without a prompt by --use-fake-ui-for-media-stream), pages B and C must receive and decode
// it as a second video of A's (its camera keeps going) and show it large in the presentation
// view with A's name; A sees its own preview. Stopping must close it for B and C (and on the
// server), three ways: the control bar button, the browser ending the capture (its own "Stop
// sharing" control, which fires "ended" on the track), and the preview's "Stop presenting".
// Run: node tests/e2e/screenshare.e2e.mjs   (env as in tests/e2e/README.md)
import {
  Server,
  Tab,
  checkPrerequisites,
  freeTcpPort,
  freeUdpBase,
  launchBrowser,
  makeLog,
  metricSum,
  metrics,
  randomRoomId,
  saveArtifacts,
  serveArgs,
  serverHasOption,
  stepper,
  table,
  waitFor,
  waitForMediaFrom,
  waitHealthy,
  StepError,
} from './lib/harness.mjs';

const WORKERS = 2;
const T_MEDIA = 60_000;
/** From the click to frames decoded on B and C; includes the encoder's start. */
const T_SCREEN = 45_000;
/** From the stop to the screen gone on B and C (a notification, no media timeout). */
const T_GONE = 15_000;

const log = makeLog('screenshare');
const { step, results } = stepper(log);

/** The screen row of `from` in `tab`'s consumer stats, or undefined. */
async function screenFrom(tab, from) {
  const rows = await tab.stats();
  return rows.find((r) => r.peerId === from.id && r.source === 'screen');
}

async function cameraFramesFrom(tab, from) {
  const rows = await tab.stats();
  return rows.find((r) => r.peerId === from.id && r.source === 'webcam')?.framesDecoded ?? 0;
}

async function producerCount(base) {
  const m = await metrics(base).catch(() => undefined);
  return m ? metricSum(m, 'jb_producers') : undefined;
}

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(WORKERS);
  const base = `http://127.0.0.1:${httpPort}`;
  // Captions are not under test here; without them three mics cost no recognisers.
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
  const rounds = [];
  let failed;
  try {
    server.start();
    await step('server answers /health', () => waitHealthy(server, base));
    browser = await launchBrowser();
    const A = new Tab('A', browser.context.pages()[0] ?? (await browser.context.newPage()));
    const B = new Tab('B', await browser.context.newPage());
    const C = new Tab('C', await browser.context.newPage());
    tabs.push(A, B, C);
    const roomUrl = `${base}/r/${randomRoomId()}`;
    const viewers = [B, C];

    await step('A, B and C join one room and decode each other', async () => {
      await A.join(roomUrl, 'Alice Presenter');
      await B.join(roomUrl, 'Bob Viewer');
      await C.join(roomUrl, 'Cleo Viewer');
      await Promise.all([
        waitForMediaFrom(A, [B, C], T_MEDIA, { videoOnly: true }),
        waitForMediaFrom(B, [A, C], T_MEDIA, { videoOnly: true }),
        waitForMediaFrom(C, [A, B], T_MEDIA, { videoOnly: true }),
      ]);
    });
    const producersBefore = await producerCount(base);

    const stopWays = [
      {
        how: 'control bar button',
        stop: () => A.page.getByTestId('screen-share-button').click(),
      },
      {
        how: 'browser ends the capture',
        stop: async () => {
          const ended = await A.page.evaluate(() => window.__jb.endScreenCapture());
          if (!ended) throw new StepError('A had no screen capture to end');
        },
      },
      {
        how: '"Stop presenting" on the preview',
        stop: () => A.page.getByTestId('screen-stop-button').click(),
      },
    ];

    for (const [i, way] of stopWays.entries()) {
      const m = { how: way.how };
      rounds.push(m);
      const n = i + 1;

      const sharedAt = await step(`#${n}: A clicks "Share screen"; A shows its own preview`, async () => {
        const button = A.page.getByTestId('screen-share-button');
        if ((await button.getAttribute('aria-pressed')) !== 'false') throw new StepError('the share button is pressed before sharing');
        const clickStart = Date.now();
        await button.click();
        // Measured from when the click landed: Playwright's click itself is slow in a background tab.
        const at = Date.now();
        m.clickMs = at - clickStart;
        const share = await waitFor('A to send its screen', async () => {
          const s = await A.page.evaluate(() => window.__jb.screenShare());
          return s.sharing && s.producerId && s.trackState === 'live' ? s : { ok: false, detail: s };
        }, 15_000, 100);
        m.producerMs = Date.now() - at;
        m.producerId = share.producerId;
        await waitFor("A's preview to play", async () => {
          const tile = A.page.locator('[data-testid="screen-tile"][data-self="true"]');
          return (await tile.getAttribute('data-video-playing').catch(() => null)) === 'true';
        }, 15_000, 100);
        const pressed = await button.getAttribute('aria-pressed');
        if (pressed !== 'true') throw new StepError(`share button aria-pressed=${pressed} while sharing`);
        const own = await A.page.getByTestId('screen-tile-name').first().innerText();
        if (own.trim() !== 'You are presenting') throw new StepError(`A's preview reads "${own}"`);
        return at;
      });

      await step(`#${n}: B and C decode A's screen and show it large with A's name`, async () => {
        m.decodedMs = await Promise.all(
          viewers.map(async (v) => {
            await waitFor(`${v.name} to decode A's screen`, async () => {
              const row = await screenFrom(v, A);
              if (!row) return { ok: false, detail: 'no screen consumer' };
              return row.framesDecoded > 0 ? row : { ok: false, detail: `framesDecoded=0 (packets ${row.packetsReceived})` };
            }, T_SCREEN, 250);
            return Date.now() - sharedAt;
          }),
        );
        for (const v of viewers) {
          // Frames keep coming, not just one.
          const first = (await screenFrom(v, A)).framesDecoded;
          const row = await waitFor(`${v.name} to keep decoding A's screen`, async () => {
            const r = await screenFrom(v, A);
            return r && r.framesDecoded >= first + 5 ? r : { ok: false, detail: r?.framesDecoded };
          }, 20_000, 250);
          m[`size${v.name}`] = `${row.frameWidth}x${row.frameHeight}`;
          const tile = v.page.locator(`[data-testid="screen-tile"][data-peer-id="${A.id}"]`);
          await waitFor(`${v.name}'s screen tile of A to play, featured`, async () => {
            const [playing, featured] = await Promise.all([tile.getAttribute('data-video-playing'), tile.getAttribute('data-featured')]);
            return playing === 'true' && featured === 'true' ? true : { ok: false, detail: { playing, featured } };
          }, 15_000, 100);
          const name = (await tile.getByTestId('screen-tile-name').innerText()).trim();
          if (name !== 'Alice Presenter is presenting') throw new StepError(`${v.name}'s screen tile reads "${name}"`);
          if (!(await v.page.getByTestId('presentation-view').isVisible())) throw new StepError(`${v.name} shows no presentation view`);
          // The camera tiles are still there (in the strip), and A's camera still decodes.
          const people = await v.page.getByTestId('tile').count();
          if (people !== 3) throw new StepError(`${v.name} shows ${people} people tiles beside the screen, expected 3`);
          const cam = await cameraFramesFrom(v, A);
          await waitFor(`${v.name} to keep decoding A's camera too`, async () => (await cameraFramesFrom(v, A)) > cam + 5, 20_000, 250);
        }
        const producers = await producerCount(base);
        if (producersBefore !== undefined && producers !== producersBefore + 1) {
          throw new StepError(`jb_producers is ${producers} while sharing, expected ${producersBefore + 1}`);
        }
      });

      await step(`#${n}: stop by ${way.how}; the screen goes away on B, C and the server`, async () => {
        await way.stop();
        const at = Date.now();
        m.goneMs = await Promise.all(
          viewers.map(async (v) => {
            await waitFor(`${v.name} to drop A's screen`, async () => {
              const row = await screenFrom(v, A);
              const tiles = await v.page.getByTestId('screen-tile').count();
              const presenting = await v.page.getByTestId('presentation-view').count();
              return !row && tiles === 0 && presenting === 0 ? true : { ok: false, detail: { consumer: !!row, tiles, presenting } };
            }, T_GONE, 100);
            return Date.now() - at;
          }),
        );
        const share = await A.page.evaluate(() => window.__jb.screenShare());
        if (share.sharing) throw new StepError(`A still reports sharing: ${JSON.stringify(share)}`);
        const pressed = await A.page.getByTestId('screen-share-button').getAttribute('aria-pressed');
        if (pressed !== 'false') throw new StepError(`A's share button aria-pressed=${pressed} after stopping`);
        if ((await A.page.getByTestId('screen-tile').count()) !== 0) throw new StepError('A still shows its preview');
        if (producersBefore !== undefined) {
          await waitFor('jb_producers back to its value before sharing', async () => {
            const p = await producerCount(base);
            return p === producersBefore ? true : { ok: false, detail: p };
          }, 10_000, 200);
        }
        // Video between the people goes on.
        for (const v of viewers) {
          const cam = await cameraFramesFrom(v, A);
          await waitFor(`${v.name} to keep decoding A's camera`, async () => (await cameraFramesFrom(v, A)) > cam + 5, 20_000, 250);
        }
      });
    }
  } catch (err) {
    failed = err;
  }

  if (rounds.length) {
    console.log('\nscreenshare: measured (ms unless noted)');
    const cell = (m, f) => (Array.isArray(m[f]) ? m[f].join(' / ') : (m[f] ?? '-'));
    console.log(
      table(
        ['stopped by', 'share click took', 'click -> producer', 'click -> decoded (B / C)', 'screen size (B / C)', 'stop -> gone (B / C)'],
        rounds.map((m) => [
          m.how,
          cell(m, 'clickMs'),
          cell(m, 'producerMs'),
          cell(m, 'decodedMs'),
          `${m.sizeB ?? '-'} / ${m.sizeC ?? '-'}`,
          cell(m, 'goneMs'),
        ]),
      ),
    );
  }
  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') await saveArtifacts('screenshare', tabs, server);
  await browser?.close();
  await server.stop();
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    console.error(`server log tail:\n${server.tail(30)}`);
  }
  console.log(`\nscreenshare e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
