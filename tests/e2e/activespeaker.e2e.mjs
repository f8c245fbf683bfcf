#!/usr/bin/env node
// Active speaker and transport-wide congestion control, in real Chromium through the real server.
//
// Three Chromiums (one fake microphone file each). S's microphone plays flite speech (looped). M1 and
// M2 play louder speech too, but mute their microphones in the UI first (pauseProducer): the server
// must not count them. Every page must receive `activeSpeaker` naming S, ring S's tile
// (data-dominant-speaker) and show S speaking (data-speaking), and the dominant speaker must never
// move to M1 or M2.
//
// Printed: the time from S's speech reaching its microphone (its media-source energy, polled on S)
// to each page's `activeSpeaker` and to the ring on each page's DOM. All pages run on this machine,
// so their Date.now() clocks agree.
//
// Congestion control: S's send PeerConnection must show availableOutgoingBitrate (candidate pair) and
// the server must have sent transport-cc feedback (jb_transport_feedback_sent_total). The estimate
// and S's video send rate are printed over time.
//
// Run: node tests/e2e/activespeaker.e2e.mjs   (env as in tests/e2e/README.md)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  Server,
  StepError,
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
  sleep,
  stepper,
  table,
  waitFor,
  waitHealthy,
} from './lib/harness.mjs';
import { makeSpeechWav } from './lib/speech.mjs';

const T_JOIN = 30_000;
const T_UI = 15_000;
/** From S's first speech to every page knowing S as the dominant speaker. */
const T_DOMINANT = 10_000;
/** How long the dominant speaker is then watched for flips. */
const WATCH_MS = 10_000;
/** Mean energy (level², 0..1) above which S's microphone counts as sound (about -40 dBFS). */
const SPEECH_ENERGY = 1e-4;

const log = makeLog('activespeaker');
const { step } = stepper(log);

const SENTENCES = [
  'Good morning everyone, thanks for joining the weekly planning meeting.',
  'First we will go through the release checklist and then the open bugs.',
  'Please keep your microphones muted unless you are speaking.',
];

// ---- In-page instrumentation (runs before the app; self-contained) -----------------------

/** Records activeSpeaker / audioLevels notifications and keeps every RTCPeerConnection. */
function instrumentPage() {
  window.__speaker = { active: [], levels: [] };
  const OrigWs = window.WebSocket;
  window.WebSocket = class extends OrigWs {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        try {
          const m = JSON.parse(ev.data);
          if (!m.notification) return;
          if (m.method === 'activeSpeaker') window.__speaker.active.push({ at: Date.now(), peerId: m.data.peerId });
          if (m.method === 'audioLevels') window.__speaker.levels.push({ at: Date.now(), levels: m.data.levels });
        } catch {
          // Not JSON: not ours to check here.
        }
      });
    }
  };
  const OrigPc = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends OrigPc {
    constructor(...args) {
      super(...args);
      window.__pcs.push(this);
    }
  };
}

/** On S: polls its microphone's media-source energy; marks the first time it is sound. */
function watchMicOnPage(threshold) {
  const rec = { speechAt: undefined, polls: 0 };
  window.__mic = rec;
  let prev;
  let prevAt = Date.now();
  const tick = async () => {
    const s = await window.__jb?.micStats?.().catch(() => undefined);
    const now = Date.now();
    rec.polls++;
    if (s && prev && s.totalSamplesDuration > prev.totalSamplesDuration) {
      const p = (s.totalAudioEnergy - prev.totalAudioEnergy) / (s.totalSamplesDuration - prev.totalSamplesDuration);
      // The sound began inside (prevAt, now]: take the earliest it can have begun.
      if (rec.speechAt === undefined && p > threshold) rec.speechAt = prevAt;
    }
    if (s) prev = s;
    prevAt = now;
    if (rec.speechAt === undefined) setTimeout(tick, 20);
  };
  void tick();
}

/** The send PeerConnection's estimate and video send counters. */
async function sendSideStatsOnPage() {
  for (const pc of window.__pcs ?? []) {
    const report = await pc.getStats();
    let pair;
    let videoBytes = 0;
    let hasOutbound = false;
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
      if (s.type === 'outbound-rtp') {
        hasOutbound = true;
        if (s.kind === 'video') videoBytes += s.bytesSent ?? 0;
      }
    });
    if (hasOutbound) return { at: Date.now(), available: pair?.availableOutgoingBitrate, videoBytes };
  }
  return undefined;
}

// ---- The test -----------------------------------------------------------------------------

async function muteMic(tab) {
  await tab.page.getByTestId('mic-button').click();
  await waitFor(`${tab.name} mic off`, async () => (await tab.page.getByTestId('mic-button').getAttribute('aria-pressed')) === 'false', T_UI);
}

async function main() {
  checkPrerequisites();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-e2e-activespeaker-'));
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(1);
  const base = `http://127.0.0.1:${httpPort}`;
  const server = new Server(serveArgs({ httpPort, udpBase, workers: 1, extra: ['--no-translation'] }), log);
  process.on('exit', () => server.killSync());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.killSync();
      process.exit(130);
    });
  }

  const browsers = [];
  const tabs = [];
  let failed;
  try {
    const wavs = await step('make the speech WAVs with flite (S, and a louder one for the muted pages)', async () => {
      const parts = (lead) => [{ silence: lead }, ...SENTENCES.flatMap((say) => [{ say }, { silence: 400 }]), { silence: 1500 }];
      // S starts talking 3 s after its capture starts; M1/M2 after 6 s, once they are muted.
      const s = makeSpeechWav(path.join(workDir, 'speaker.wav'), parts(3000), { gain: 0.5 });
      const m = makeSpeechWav(path.join(workDir, 'muted.wav'), parts(6000), { gain: 0.9 });
      log(`speaker.wav ${(s.durationMs / 1000).toFixed(1)} s, muted.wav ${(m.durationMs / 1000).toFixed(1)} s (both loop)`);
      return { s, m };
    });

    server.start();
    await step('server answers /health', () => waitHealthy(server, base));
    const roomUrl = `${base}/r/${randomRoomId()}`;

    async function open(name, wav) {
      const b = await launchBrowser({ extraArgs: [`--use-file-for-fake-audio-capture=${wav}`] });
      browsers.push(b);
      const tab = new Tab(name, b.context.pages()[0] ?? (await b.context.newPage()));
      tabs.push(tab);
      await tab.page.addInitScript(instrumentPage);
      return tab;
    }

    const M1 = await open('M1', wavs.m.file);
    const M2 = await open('M2', wavs.m.file);
    for (const M of [M1, M2]) {
      await step(`${M.name} joins and mutes its microphone before its speech starts`, async () => {
        await M.join(roomUrl, `Muted ${M.name}`, T_JOIN);
        await muteMic(M);
      });
    }

    const S = await open('S', wavs.s.file);
    await step('S joins speaking (mic on); S watches its own mic energy', async () => {
      await S.page.addInitScript(watchMicOnPage, SPEECH_ENERGY);
      await S.join(roomUrl, 'Speaker S', T_JOIN);
    });
    const all = [S, M1, M2];

    const speechAt = await step("S's speech reaches its microphone", async () => {
      const at = await waitFor('S mic energy above threshold', () => S.page.evaluate(() => window.__mic?.speechAt), T_UI, 50);
      return at;
    });

    const ringAt = {};
    await step('every page is told S is the dominant speaker and rings S\'s tile', async () => {
      await Promise.all(
        all.map(async (tab) => {
          await waitFor(
            `${tab.name}: activeSpeaker = S`,
            async () => {
              const seen = await tab.page.evaluate(() => window.__speaker.active);
              return seen.find((e) => e.peerId === S.id) ?? { ok: false, detail: seen };
            },
            T_DOMINANT,
            100,
          );
          const tile = tab.page.locator(`[data-testid="tile"][data-peer-id="${S.id}"]`);
          await waitFor(`${tab.name}: S's tile ringed`, async () => (await tile.getAttribute('data-dominant-speaker')) === 'true', T_UI, 50);
          ringAt[tab.name] = Date.now();
          await waitFor(`${tab.name}: S's tile shows speaking bars`, async () => (await tile.getAttribute('data-speaking')) === 'true', T_UI, 100);
        }),
      );
    });

    const samples = [];
    await step(`for ${WATCH_MS / 1000} s the dominant speaker stays S (the muted pages' speech never counts)`, async () => {
      const end = Date.now() + WATCH_MS;
      while (Date.now() < end) {
        const stats = await S.page.evaluate(sendSideStatsOnPage);
        if (stats) samples.push(stats);
        await sleep(1000);
      }
      for (const tab of all) {
        const seen = await tab.page.evaluate(() => window.__speaker.active);
        const others = seen.filter((e) => e.peerId !== S.id);
        if (others.length > 0) throw new StepError(`${tab.name} was told of other dominant speakers: ${JSON.stringify(others)}`);
        const levels = await tab.page.evaluate(() => window.__speaker.levels);
        const mutedSpeaking = levels.filter((l) => l.levels.some((x) => x.peerId === M1.id || x.peerId === M2.id));
        if (mutedSpeaking.length > 0) throw new StepError(`${tab.name}: a muted peer was reported speaking: ${JSON.stringify(mutedSpeaking[0])}`);
        for (const M of [M1, M2]) {
          const attr = await tab.page.locator(`[data-testid="tile"][data-peer-id="${M.id}"]`).getAttribute('data-dominant-speaker');
          if (attr !== 'false') throw new StepError(`${tab.name}: ${M.name}'s tile data-dominant-speaker=${attr}`);
        }
      }
    });

    await step('participants list marks S as speaking and dominant', async () => {
      await M1.page.getByTestId('participants-toggle').click();
      const row = M1.page.locator(`[data-testid="participant"][data-peer-id="${S.id}"] [data-testid="participant-mic"]`);
      await waitFor('S row dominant', async () => (await row.getAttribute('data-dominant-speaker')) === 'true', T_UI, 100);
    });

    await step('S mutes: the room is told nobody holds it', async () => {
      await muteMic(S);
      await waitFor(
        'activeSpeaker null on M1',
        async () => {
          const seen = await M1.page.evaluate(() => window.__speaker.active);
          return seen.length > 0 && seen[seen.length - 1].peerId === null;
        },
        T_UI,
        100,
      );
      const attr = await M1.page.locator(`[data-testid="tile"][data-peer-id="${S.id}"]`).getAttribute('data-dominant-speaker');
      if (attr !== 'false') throw new StepError(`S's tile still ringed after S muted (${attr})`);
    });

    const m = await step('congestion control: Chrome reports an estimate and the server sent transport-cc feedback', async () => {
      const samplesM = await metrics(base);
      const sent = metricSum(samplesM, 'jb_transport_feedback_sent_total');
      const bad = metricSum(samplesM, 'jb_rtp_header_extension_errors_total');
      const changes = metricSum(samplesM, 'jb_active_speaker_changes_total');
      const withEstimate = samples.filter((s) => typeof s.available === 'number');
      if (sent <= 0) throw new StepError('jb_transport_feedback_sent_total is 0');
      if (withEstimate.length === 0) throw new StepError(`no availableOutgoingBitrate on S: ${JSON.stringify(samples.slice(0, 3))}`);
      return { sent, bad, changes, withEstimate };
    });

    const rows = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const prev = samples[i - 1];
      const kbps = prev ? Math.round(((s.videoBytes - prev.videoBytes) * 8) / (s.at - prev.at)) : '-';
      rows.push([((s.at - samples[0].at) / 1000).toFixed(1), s.available === undefined ? '-' : Math.round(s.available / 1000), kbps]);
    }
    log(`S send side (availableOutgoingBitrate from Chrome's send-side BWE on our feedback):\n${table(['t (s)', 'estimate kbps', 'video kbps'], rows)}`);
    log(
      `speech start -> activeSpeaker / ring:\n${table(
        ['page', 'notified (ms)', 'ringed (ms)'],
        await Promise.all(
          all.map(async (tab) => {
            const seen = await tab.page.evaluate(() => window.__speaker.active);
            const first = seen.find((e) => e.peerId === S.id);
            return [tab.name, first ? first.at - speechAt : '-', ringAt[tab.name] - speechAt];
          }),
        ),
      )}`,
    );
    log(`metrics: transport feedback sent ${m.sent}, header extension errors ${m.bad}, active speaker changes ${m.changes}`);
    log('PASS');
  } catch (err) {
    failed = err;
    log(`FAIL: ${err instanceof Error ? err.message : err}`);
    log(server.tail());
  } finally {
    await saveArtifacts('activespeaker', tabs, server).catch(() => {});
    for (const b of browsers) await b.close();
    await server.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main();
