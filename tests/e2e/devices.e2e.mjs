#!/usr/bin/env node
// The settings panel in real Chromium: B opens it from the gear button; the microphone,
// camera and speaker lists hold Chromium's fake devices; switching B's microphone to
// another fake device (a fresh capture sent with producer.replaceTrack) keeps B's audio
// reaching A, and the choice is remembered; choosing a speaker moves every remote audio
// element to it (setSinkId); switching B's camera keeps the same producer and A keeps
// decoding it, with B's own preview on the new camera; the connection section shows a number for the round-trip time
// and the bitrates; Esc closes the panel.
// Run: node tests/e2e/devices.e2e.mjs   (env as in tests/e2e/README.md)
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
  waitFor,
  waitForMediaFrom,
  waitHealthy,
  StepError,
} from './lib/harness.mjs';

const WORKERS = 2;
const T_MEDIA = 60_000;

const log = makeLog('devices');
const { step, results } = stepper(log);

async function audioFrom(tab, from) {
  const rows = await tab.stats();
  return rows.find((r) => r.peerId === from.id && r.kind === 'audio');
}

async function options(page, testId) {
  return page.getByTestId(testId).locator('option').evaluateAll((os) => os.map((o) => ({ value: o.value, label: o.textContent })));
}

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
    // Three fake cameras (the default is one), so the camera can be switched too. Chromium gives
    // them the pixel formats I420, Y16 and MJPEG in turn: fake_device_1 is a depth camera (Y16)
    // whose frames a WebRTC sender drops, so the switch goes to fake_device_2.
    browser = await launchBrowser({ extraArgs: ['--use-fake-device-for-media-stream=device-count=3'] });
    const A = new Tab('A', browser.context.pages()[0] ?? (await browser.context.newPage()));
    const B = new Tab('B', await browser.context.newPage());
    tabs.push(A, B);
    const roomUrl = `${base}/r/${randomRoomId()}`;

    await step('A and B join one room and hear and see each other', async () => {
      await A.join(roomUrl, 'Alice Listener');
      await B.join(roomUrl, 'Bob Switcher');
      await Promise.all([waitForMediaFrom(A, [B], T_MEDIA), waitForMediaFrom(B, [A], T_MEDIA)]);
    });

    let mics;
    await step('B opens Settings from the gear button; the device lists hold the fake devices', async () => {
      const gear = B.page.getByTestId('settings-toggle');
      await gear.click();
      await B.page.getByTestId('settings-panel').waitFor({ timeout: 5000 });
      if ((await gear.getAttribute('aria-pressed')) !== 'true') throw new StepError('the gear button is not pressed while Settings is open');
      const lists = await waitFor('the device lists to fill', async () => {
        const [m, c, s] = await Promise.all([
          options(B.page, 'settings-microphone'),
          options(B.page, 'settings-camera'),
          options(B.page, 'settings-speaker'),
        ]);
        return m.length >= 2 && c.length >= 2 && s.length >= 1 && m.every((o) => o.value) ? { m, c, s } : { ok: false, detail: { m, c, s } };
      }, 10_000, 200);
      mics = lists.m;
      log(`microphones: ${lists.m.map((o) => o.label).join(' | ')}; cameras: ${lists.c.map((o) => o.label).join(' | ')}; speakers: ${lists.s.map((o) => o.label).join(' | ')}`);
      // Labelled for screen readers: each select sits in a <label> with its name.
      const name = await B.page.getByLabel('Microphone').getAttribute('data-testid');
      if (name !== 'settings-microphone') throw new StepError(`the microphone select has no "Microphone" label (${name})`);
    });

    await step("switching B's microphone to another fake device keeps B's audio reaching A", async () => {
      const select = B.page.getByTestId('settings-microphone');
      const current = await select.inputValue();
      const target = mics.find((o) => o.value !== current && o.value !== 'default') ?? mics.find((o) => o.value !== current);
      if (!target) throw new StepError(`no other microphone than ${current}`);
      const trackBefore = await B.page.evaluate(() => window.__jb.devices()?.inUse.microphoneId);
      await select.selectOption(target.value);
      await waitFor('B to capture the new microphone', async () => {
        const d = await B.page.evaluate(() => window.__jb.devices());
        return d && !d.switching && d.inUse.microphoneId === target.value ? d : { ok: false, detail: d?.inUse };
      }, 10_000, 100);
      log(`microphone ${trackBefore ?? current} → ${target.label} (${target.value.slice(0, 8)}…)`);
      // What leaves B: the mic producer's media source keeps producing audio.
      const srcBefore = await B.page.evaluate(() => window.__jb.micStats());
      const before = await audioFrom(A, B);
      await sleep(3000);
      const after = await audioFrom(A, B);
      const srcAfter = await B.page.evaluate(() => window.__jb.micStats());
      const samples = after.totalSamplesReceived - before.totalSamplesReceived;
      const packets = after.packetsReceived - before.packetsReceived;
      report.samplesIn3s = samples;
      log(`A received ${samples} samples and ${packets} packets of B's audio in 3 s after the switch`);
      // 48 kHz for 3 s is 144000; allow for jitter-buffer timing.
      if (samples < 100_000) throw new StepError(`A received only ${samples} samples from B in 3 s after the switch`);
      if (packets < 100) throw new StepError(`A received only ${packets} audio packets from B in 3 s after the switch`);
      if (!(srcAfter && srcBefore && srcAfter.totalSamplesDuration > srcBefore.totalSamplesDuration + 2)) {
        throw new StepError(`B's mic media-source did not advance: ${JSON.stringify({ srcBefore, srcAfter })}`);
      }
      const stored = await B.page.evaluate(() => localStorage.getItem('jb.devices'));
      if (!stored || JSON.parse(stored).microphoneId !== target.value) throw new StepError(`the choice was not remembered: ${stored}`);
      const micButton = await B.page.getByTestId('mic-button').getAttribute('aria-pressed');
      if (micButton !== 'true') throw new StepError(`B's mic shows aria-pressed=${micButton} after the switch`);
    });

    await step('a muted microphone stays muted across a switch', async () => {
      await B.page.getByTestId('mic-button').click();
      await waitFor("A to see B's mic muted", async () => {
        const muted = await A.page.locator(`[data-testid="tile"][data-peer-id="${B.id}"]`).getAttribute('data-mic-muted');
        return muted === 'true';
      }, 10_000, 100);
      const select = B.page.getByTestId('settings-microphone');
      const current = await select.inputValue();
      const other = mics.find((o) => o.value !== current);
      await select.selectOption(other.value);
      await waitFor('the switch to finish', async () => {
        const d = await B.page.evaluate(() => window.__jb.devices());
        return d && !d.switching && d.inUse.microphoneId === other.value;
      }, 10_000, 100);
      const track = await B.page.evaluate(() => window.__jb.micTrack());
      if (!track || track.deviceId !== other.value) throw new StepError(`B's mic producer does not send the new device: ${JSON.stringify(track)}`);
      if (track.enabled) throw new StepError("the new microphone track is enabled while B's mic is off");
      const src = await B.page.evaluate(() => window.__jb.micStats());
      await sleep(1500);
      const src2 = await B.page.evaluate(() => window.__jb.micStats());
      log(`muted after switch: audioLevel ${src2?.audioLevel}, energy ${src?.totalAudioEnergy}→${src2?.totalAudioEnergy}`);
      await B.page.getByTestId('mic-button').click();
      await waitFor("A to see B's mic on again", async () => {
        const muted = await A.page.locator(`[data-testid="tile"][data-peer-id="${B.id}"]`).getAttribute('data-mic-muted');
        return muted === 'false';
      }, 10_000, 100);
      const before = await audioFrom(A, B);
      await sleep(2000);
      const after = await audioFrom(A, B);
      if (after.packetsReceived - before.packetsReceived < 50) throw new StepError('no audio from B after unmuting the switched microphone');
    });

    await step("switching B's camera keeps its producer; A keeps decoding it, B previews the new camera", async () => {
      const before = await B.page.evaluate(() => window.__jb.camTrack());
      const consumerBefore = (await A.stats()).find((r) => r.peerId === B.id && r.source === 'webcam');
      const select = B.page.getByTestId('settings-camera');
      const cams = await options(B.page, 'settings-camera');
      const target = cams.find((o) => o.label === 'fake_device_2');
      if (!target) throw new StepError(`no fake_device_2 among ${cams.map((o) => o.label).join(', ')}`);
      await select.selectOption(target.value);
      const after = await waitFor("B's camera producer to send the new camera", async () => {
        const t = await B.page.evaluate(() => window.__jb.camTrack());
        return t && t.deviceId === target.value && t.readyState === 'live' ? t : { ok: false, detail: t };
      }, 10_000, 100);
      if (after.producerId !== before.producerId) throw new StepError(`the camera producer changed (${before.producerId} → ${after.producerId})`);
      const preview = await B.page.evaluate(() => document.querySelector('[data-testid="tile"][data-self="true"] video')?.srcObject?.getVideoTracks()[0]?.id);
      if (preview !== after.id) throw new StepError(`B's own tile shows track ${preview}, not the new camera's ${after.id}`);
      const start = consumerBefore.framesDecoded;
      const row = await waitFor("A to keep decoding B's camera", async () => {
        const r = (await A.stats()).find((x) => x.peerId === B.id && x.source === 'webcam');
        return r && r.framesDecoded > start + 30 ? r : { ok: false, detail: r?.framesDecoded };
      }, 15_000, 200);
      if (row.consumerId !== consumerBefore.consumerId) throw new StepError("A's consumer of B's camera was replaced");
      log(`camera → ${target.label}: same producer ${after.producerId}, A decoded ${row.framesDecoded - start} more frames`);
    });

    await step('choosing a speaker moves the remote audio there (setSinkId)', async () => {
      const speakers = await options(B.page, 'settings-speaker');
      const target = speakers.find((o) => o.value !== 'default') ?? speakers[0];
      await B.page.getByTestId('settings-speaker').selectOption(target.value);
      await waitFor('every remote audio element of B to play on the chosen speaker', async () => {
        const sinks = await B.page.locator('[data-testid="remote-audio"]').evaluateAll((els) => els.map((e) => e.sinkId));
        return sinks.length > 0 && sinks.every((s) => s === target.value) ? sinks : { ok: false, detail: sinks };
      }, 5000, 100);
      log(`speaker → ${target.label}`);
    });

    await step('the connection section shows RTT and bitrates, refreshed every second', async () => {
      const read = () =>
        B.page.evaluate(() => ({
          rtt: document.querySelector('[data-testid="stat-rtt"]')?.textContent,
          send: document.querySelector('[data-testid="stat-send"]')?.textContent,
          receive: document.querySelector('[data-testid="stat-receive"]')?.textContent,
          loss: document.querySelector('[data-testid="stat-loss"]')?.textContent,
          at: document.querySelector('[data-testid="connection-stats"]')?.getAttribute('data-sampled-at'),
        }));
      const first = await waitFor('numbers in the connection section', async () => {
        const s = await read();
        const ok = /^\d+(\.\d)? ms$/.test(s.rtt ?? '') && /\d.*bit\/s$/.test(s.send ?? '') && /\d.*bit\/s$/.test(s.receive ?? '');
        return ok ? s : { ok: false, detail: s };
      }, 10_000, 250);
      log(`connection: RTT ${first.rtt}, sending ${first.send}, receiving ${first.receive}, loss ${first.loss}`);
      report.connection = first;
      const kbps = (t) => (t.includes('Mbit') ? parseFloat(t) * 1000 : parseFloat(t));
      if (!(kbps(first.receive) > 50)) throw new StepError(`receiving ${first.receive}: B gets A's camera and mic, that is more than 50 kbit/s`);
      // Refreshed: a new reading within two seconds.
      await waitFor('a newer reading', async () => ((await read()).at !== first.at ? true : { ok: false, detail: first.at }), 2500, 100);
    });

    await step('Esc closes the panel and gives focus back to the gear; Enter on the gear opens it again', async () => {
      await B.page.keyboard.press('Escape');
      await B.page.getByTestId('settings-panel').waitFor({ state: 'detached', timeout: 3000 });
      const focused = await B.page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      if (focused !== 'settings-toggle') throw new StepError(`focus after Esc is on ${focused}, not the gear`);
      await B.page.keyboard.press('Enter');
      await B.page.getByTestId('settings-panel').waitFor({ timeout: 3000 });
      const inside = await B.page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      if (inside !== 'settings-microphone') throw new StepError(`focus in the opened panel is on ${inside}, not the first device list`);
    });
  } catch (err) {
    failed = err;
  } finally {
    const keep = failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1';
    if (keep) await saveArtifacts('devices', tabs, server).catch(() => {});
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

main();
