#!/usr/bin/env node
// Fault tests against a live 3-page call in real Chromium:
//  a) garbage flood: 10,000 datagrams of random bytes and malformed STUN to each media
//     port (loopback only); video keeps decoding and /metrics drop counters account for them;
//  b) killed client: a 4th participant in its own Chromium is frozen (SIGSTOP: only ICE
//     consent can tell) and later SIGKILLed; the others drop its tile and the server's
//     peers/transports/producers/consumers return to what they were before it joined;
//  c) signaling abuse: Node sessions in another room send malformed JSON, a request flood
//     and an oversized frame; they get error responses and are closed (1008 / 1009).
// Run: node tests/e2e/faults.e2e.mjs   (env as in tests/e2e/README.md;
//      JB_FAULTS_ALLOW_NO_METRICS=1 lets it pass against a server without GET /metrics)
import dgram from 'node:dgram';
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
  serverHasOption,
  sleep,
  stepper,
  table,
  waitFor,
  waitForMediaFrom,
  waitHealthy,
} from './lib/harness.mjs';
import { GARBAGE_KINDS, garbage, kernelUdpDrops } from './lib/garbage.mjs';
import { RawSignaling } from './lib/wsClient.mjs';

const WORKERS = 2;
const FLOOD_PER_PORT = Number(process.env.JB_FLOOD_PER_PORT ?? 10_000);
/** The flood is spread over this long so "decoding during the flood" means something. */
const FLOOD_MS = 4000;
const CONSENT_S = 5;
const T_MEDIA = 60_000;
const ALLOW_NO_METRICS = process.env.JB_FAULTS_ALLOW_NO_METRICS === '1';

const log = makeLog('faults');
const { step, results } = stepper(log);

/** framesDecoded for every (receiver <- sender) pair among `tabs`. */
async function framesMatrix(tabs) {
  const out = {};
  await Promise.all(
    tabs.map(async (rx) => {
      const rows = await rx.stats();
      for (const tx of tabs) {
        if (tx === rx) continue;
        out[`${rx.name}<-${tx.name}`] = rows.find((r) => r.peerId === tx.id && r.kind === 'video')?.framesDecoded ?? 0;
      }
    }),
  );
  return out;
}

/** Samples framesMatrix every intervalMs until stopped; returns the samples. */
function startFrameSampler(tabs, intervalMs = 1500) {
  const samples = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push({ at: Date.now(), frames: await framesMatrix(tabs) });
      const until = Date.now() + intervalMs;
      while (running && Date.now() < until) await sleep(50);
    }
    samples.push({ at: Date.now(), frames: await framesMatrix(tabs) });
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** Every pair decoded new frames in every window; returns the lowest fps seen per pair. */
function checkRising(samples, what) {
  if (samples.length < 2) throw new StepError(`${what}: only ${samples.length} frame samples`);
  const minFps = {};
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const secs = (b.at - a.at) / 1000;
    for (const key of Object.keys(b.frames)) {
      const d = b.frames[key] - (a.frames[key] ?? 0);
      if (!(d > 0)) {
        throw new StepError(`${what}: ${key} decoded no new frames between ${i - 1} and ${i} (${a.frames[key]} -> ${b.frames[key]}, ${secs.toFixed(1)} s)`);
      }
      minFps[key] = Math.min(minFps[key] ?? Infinity, d / secs);
    }
  }
  return minFps;
}

/** Sum of the per-worker gauges the killed-client test compares. */
async function objectCounts(base) {
  const s = await metrics(base).catch(() => undefined);
  const h = await health(base);
  if (!s) return { peers: h.peers, transports: '-', producers: '-', consumers: '-', source: 'health' };
  return {
    peers: metricSum(s, 'jb_peers'),
    transports: metricSum(s, 'jb_transports'),
    producers: metricSum(s, 'jb_producers'),
    consumers: metricSum(s, 'jb_consumers'),
    source: 'metrics',
  };
}

const sameCounts = (a, b) => ['peers', 'transports', 'producers', 'consumers'].every((k) => a[k] === b[k]);

function signalAll(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(WORKERS);
  const base = `http://127.0.0.1:${httpPort}`;
  const wsUrl = `ws://127.0.0.1:${httpPort}/ws`;
  const ports = Array.from({ length: WORKERS }, (_, i) => udpBase + i);
  const hasConsent = await serverHasOption('--ice-consent-timeout');
  const server = new Server(
    serveArgs({ httpPort, udpBase, workers: WORKERS, extra: hasConsent ? ['--ice-consent-timeout', String(CONSENT_S)] : [] }),
    log,
  );
  const browsers = [];
  const tabs = [];
  const stoppedPids = [];
  process.on('exit', () => {
    signalAll(stoppedPids, 'SIGKILL');
    server.killSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      signalAll(stoppedPids, 'SIGKILL');
      server.killSync();
      process.exit(130);
    });
  }

  const report = { flood: [], floodReasons: [], frames: {}, killed: [], abuse: [], missing: [] };
  let failed;
  try {
    server.start();
    await step('server answers /health', () => waitHealthy(server, base));
    const hasMetrics = (await metrics(base).catch(() => undefined)) !== undefined;
    if (!hasMetrics) {
      report.missing.push('GET /metrics (drop counters, object gauges)');
      if (!ALLOW_NO_METRICS) throw new StepError('the server has no GET /metrics in Prometheus text format (set JB_FAULTS_ALLOW_NO_METRICS=1 to run anyway)');
    }
    if (!hasConsent) report.missing.push('serve --ice-consent-timeout');

    const first = await launchBrowser();
    browsers.push(first);
    const A = new Tab('A', first.context.pages()[0] ?? (await first.context.newPage()));
    const B = new Tab('B', await first.context.newPage());
    const C = new Tab('C', await first.context.newPage());
    tabs.push(A, B, C);
    const call = [A, B, C];
    const roomUrl = `${base}/r/${randomRoomId()}`;

    await step('A, B, C join one room and decode each other', async () => {
      for (const [t, name] of [
        [A, 'Ann Fault'],
        [B, 'Ben Fault'],
        [C, 'Cat Fault'],
      ]) {
        await t.join(roomUrl, name);
      }
      await Promise.all(call.map((t) => waitForMediaFrom(t, call.filter((o) => o !== t), T_MEDIA)));
    });

    // ---- a) garbage flood ----------------------------------------------------------------
    await step(`a) ${FLOOD_PER_PORT} garbage datagrams to each of ${ports.length} media ports; video keeps decoding`, async () => {
      // A session in another room gives us a ufrag the server really issued, so "bad
      // integrity" reaches the MESSAGE-INTEGRITY check instead of stopping at the ufrag.
      const probe = new RawSignaling(wsUrl);
      await probe.open();
      let ufrag = 'nosuchufrag';
      let probePort;
      try {
        const caps = await probe.request('getRouterRtpCapabilities');
        const joined = await probe.request('join', { roomId: `probe-${randomRoomId()}`, displayName: 'probe', rtpCapabilities: caps.data.rtpCapabilities });
        if (!joined.ok) throw new Error(JSON.stringify(joined.error));
        const t = await probe.request('createWebRtcTransport', { direction: 'recv' });
        if (!t.ok) throw new Error(JSON.stringify(t.error));
        ufrag = t.data.iceParameters.usernameFragment;
        probePort = t.data.iceCandidates[0]?.port;
      } catch (err) {
        log(`probe session could not get a real ufrag (${err.message}); bad-integrity STUN uses an unknown one`);
      }

      const before = hasMetrics ? await metrics(base) : undefined;
      const kernelBefore = ports.map(kernelUdpDrops);
      const sock = dgram.createSocket('udp4');
      await new Promise((r) => sock.bind(0, '127.0.0.1', r));
      const sent = Object.fromEntries(ports.map((p) => [p, 0]));
      const sentByKind = Object.fromEntries(GARBAGE_KINDS.map((k) => [k, 0]));
      let sendErrors = 0;
      const sampler = startFrameSampler(call, 1000);
      const floodStart = Date.now();
      const ticks = Math.ceil(FLOOD_MS / 10);
      const perTick = Math.ceil(FLOOD_PER_PORT / ticks);
      let i = 0;
      const inFlight = [];
      while (i < FLOOD_PER_PORT) {
        const n = Math.min(perTick, FLOOD_PER_PORT - i);
        for (let k = 0; k < n; k++, i++) {
          const kind = GARBAGE_KINDS[i % GARBAGE_KINDS.length];
          for (const port of ports) {
            const buf = garbage(kind, ufrag);
            sentByKind[kind]++;
            inFlight.push(
              new Promise((resolve) =>
                sock.send(buf, port, '127.0.0.1', (err) => {
                  if (err) sendErrors++;
                  else sent[port]++;
                  resolve();
                }),
              ),
            );
          }
        }
        await Promise.all(inFlight.splice(0));
        await sleep(10);
      }
      const floodMs = Date.now() - floodStart;
      sock.close();
      // "After": keep sampling a few seconds past the flood.
      await sleep(4000);
      const samples = await sampler.stop();
      const minFps = checkRising(samples, 'during/after the flood');
      report.frames.flood = minFps;

      await sleep(1000);
      const after = hasMetrics ? await metrics(base) : undefined;
      const kernelAfter = ports.map(kernelUdpDrops);
      probe.close();
      const totalSent = Object.values(sent).reduce((a, b) => a + b, 0);
      for (const [j, port] of ports.entries()) {
        const dropDelta = hasMetrics
          ? metricSum(after, 'jb_media_drops_total', { worker: String(j) }) - metricSum(before, 'jb_media_drops_total', { worker: String(j) })
          : '-';
        const rxDelta = hasMetrics
          ? metricSum(after, 'jb_udp_packets_received_total', { worker: String(j) }) - metricSum(before, 'jb_udp_packets_received_total', { worker: String(j) })
          : '-';
        report.flood.push([port + (port === probePort ? ' (probe)' : ''), sent[port], rxDelta, dropDelta, kernelAfter[j] - kernelBefore[j]]);
      }
      report.floodMs = floodMs;
      report.sendErrors = sendErrors;
      report.sentByKind = sentByKind;
      if (hasMetrics) {
        const reasons = [...new Set(after.filter((s) => s.name === 'jb_media_drops_total').map((s) => s.labels.reason))];
        for (const r of reasons) {
          const d = metricSum(after, 'jb_media_drops_total', { reason: r }) - metricSum(before, 'jb_media_drops_total', { reason: r });
          if (d > 0) report.floodReasons.push([r, d]);
        }
        const dropped = metricSum(after, 'jb_media_drops_total') - metricSum(before, 'jb_media_drops_total');
        report.accounted = dropped / totalSent;
        if (dropped < 0.95 * totalSent) {
          throw new StepError(`/metrics accounts for ${dropped} of ${totalSent} garbage datagrams (${(100 * report.accounted).toFixed(1)}% < 95%)`);
        }
      }
    });

    // ---- b) killed client ----------------------------------------------------------------
    await step('b) a 4th participant in its own Chromium joins; it is frozen, then killed; the server frees it', async () => {
      await sleep(1000);
      const baseline = await waitFor('object counts to settle', async () => {
        const a = await objectCounts(base);
        await sleep(500);
        const b = await objectCounts(base);
        return sameCounts(a, b) && b.peers === 3 ? b : { ok: false, detail: [a, b] };
      }, 15_000);
      report.killed.push(['before D joined', baseline.peers, baseline.transports, baseline.producers, baseline.consumers, '']);

      const second = await launchBrowser();
      browsers.push(second);
      const D = new Tab('D', second.context.pages()[0] ?? (await second.context.newPage()));
      tabs.push(D);
      const joinD = async () => {
        await D.join(roomUrl, 'Dan Doomed');
        await Promise.all([
          waitForMediaFrom(D, call, T_MEDIA),
          ...call.map((t) => waitForMediaFrom(t, [D], T_MEDIA, { videoOnly: true })),
        ]);
      };
      await joinD();
      const withD = await objectCounts(base);
      report.killed.push(['D in the call', withD.peers, withD.transports, withD.producers, withD.consumers, '']);
      if (withD.peers !== baseline.peers + 1) throw new StepError(`peers with D: ${withD.peers}, expected ${baseline.peers + 1}`);

      const pids = chromiumPids(second.userDataDir);
      if (pids.length === 0) throw new StepError('found no processes of the second Chromium');
      report.dPids = pids.length;

      const waitGone = async (label, startedAt, limitMs) => {
        const tilesGoneMs = await Promise.all(
          call.map(async (t) => {
            await waitFor(`${t.name} to drop D's tile (${label})`, async () =>
              (await t.page.locator(`[data-testid="tile"][data-peer-id="${D.id}"]`).count()) === 0, limitMs, 100);
            return Date.now() - startedAt;
          }),
        );
        const counts = await waitFor(`server objects back to the pre-join values (${label})`, async () => {
          const c = await objectCounts(base);
          return sameCounts(c, baseline) ? c : { ok: false, detail: c };
        }, limitMs, 100);
        const countsMs = Date.now() - startedAt;
        report.killed.push([label, counts.peers, counts.transports, counts.producers, counts.consumers, `tiles gone ${tilesGoneMs.join('/')} ms, counts ${countsMs} ms`]);
        return { tilesGoneMs, countsMs };
      };

      if (hasConsent) {
        // Frozen, the browser's kernel still holds the TCP connection open: only the missing
        // ICE consent checks (RFC 7675) tell the server that D is gone.
        const consentBefore = hasMetrics ? metricSum(await metrics(base), 'jb_ice_consent_expirations_total') : 0;
        stoppedPids.push(...pids);
        const stopAt = Date.now();
        signalAll(pids, 'SIGSTOP');
        const r = await waitGone('D frozen (SIGSTOP)', stopAt, (CONSENT_S + 20) * 1000);
        report.frozenMs = r;
        if (hasMetrics) {
          const expired = metricSum(await metrics(base), 'jb_ice_consent_expirations_total') - consentBefore;
          report.consentExpirations = expired;
          if (expired < 1) throw new StepError('jb_ice_consent_expirations_total did not rise for the frozen peer');
        }
        // Thawed, D finds its session closed and rejoins by itself.
        signalAll(pids, 'SIGCONT');
        stoppedPids.length = 0;
        const oldId = D.id;
        const contAt = Date.now();
        await waitFor('D to rejoin after being thawed', async () => {
          const st = await D.connectionState();
          const id = await D.peerId();
          return st === 'connected' && id && id !== oldId ? true : { ok: false, detail: { st, id } };
        }, 60_000, 200);
        D.id = await D.peerId();
        await Promise.all(call.map((t) => waitForMediaFrom(t, [D], T_MEDIA, { videoOnly: true })));
        report.thawRejoinMs = Date.now() - contAt;
        const again = await objectCounts(base);
        if (!sameCounts(again, withD)) throw new StepError(`after D rejoined: ${JSON.stringify(again)} != ${JSON.stringify(withD)}`);
      }

      const killAt = Date.now();
      signalAll(chromiumPids(second.userDataDir), 'SIGKILL');
      const r = await waitGone('D killed (SIGKILL)', killAt, (CONSENT_S + 20) * 1000);
      report.killedMs = r;
      await Promise.race([second.close(), sleep(5000)]);
      browsers.splice(browsers.indexOf(second), 1);
      tabs.splice(tabs.indexOf(D), 1);
      // The survivors still see each other.
      await Promise.all(call.map((t) => waitForMediaFrom(t, call.filter((o) => o !== t), 20_000, { videoOnly: true })));
    });

    // ---- c) signaling abuse --------------------------------------------------------------
    await step('c) abusive signaling sessions in another room get errors and are closed; the call keeps decoding', async () => {
      const before = hasMetrics ? await metrics(base) : undefined;
      const sampler = startFrameSampler(call, 1500);
      const room = `abuse-${randomRoomId()}`;

      // Session 1: malformed JSON, unknown methods, invalid data, then a request flood.
      const s1 = new RawSignaling(wsUrl);
      await s1.open();
      const caps = await s1.request('getRouterRtpCapabilities');
      const joined = await s1.request('join', { roomId: room, displayName: 'abuser', rtpCapabilities: caps.data.rtpCapabilities });
      if (!joined.ok) throw new StepError(`abuser could not join: ${JSON.stringify(joined.error)}`);
      s1.send('{"request": true, "id": 1, "method": "join", "data": {');
      s1.send('not json at all');
      await waitFor('bad_json error responses', async () => (s1.errorCodes().bad_json ?? 0) >= 2, 10_000, 50);
      const badData = await s1.request('produce', { transportId: 42 });
      if (badData.ok || badData.error?.code !== 'invalid_request') throw new StepError(`produce with bad data answered ${JSON.stringify(badData)}`);
      const floodStart = Date.now();
      let floodSent = 0;
      while (!s1.closed && floodSent < 2000) {
        s1.sendRequest('chat', { text: `flood ${floodSent}` });
        floodSent++;
        if (floodSent % 50 === 0) await sleep(1);
      }
      const close1 = await s1.waitClosed(20_000);
      const codes1 = s1.errorCodes();
      report.abuse.push(['malformed JSON + invalid data + flood', floodSent, JSON.stringify(codes1), close1 ? `${close1.code} after ${close1.at - floodStart} ms` : 'not closed']);
      if (!close1) throw new StepError('the flooding session was not closed');
      if (close1.code !== 1008) throw new StepError(`the flooding session closed with ${close1.code}, expected 1008`);
      if (!(codes1.rate_limited > 0)) throw new StepError(`no rate_limited errors during the flood: ${JSON.stringify(codes1)}`);

      // Session 2: one frame over the 64 KiB limit.
      const s2 = new RawSignaling(wsUrl);
      await s2.open();
      const big = JSON.stringify({ request: true, id: 1, method: 'chat', data: { text: 'x'.repeat(70 * 1024) } });
      const bigAt = Date.now();
      s2.send(big);
      const close2 = await s2.waitClosed(10_000);
      report.abuse.push([`oversized frame (${big.length} bytes)`, 1, JSON.stringify(s2.errorCodes()), close2 ? `${close2.code} after ${close2.at - bigAt} ms` : 'not closed']);
      if (!close2 || (close2.code !== 1009 && close2.code !== 1008)) throw new StepError(`oversized frame: close ${JSON.stringify(close2)}, expected 1009`);

      await sleep(3000);
      const samples = await sampler.stop();
      report.frames.abuse = checkRising(samples, 'during/after the signaling abuse');
      const h = await health(base);
      if (h.peers !== 3) throw new StepError(`/health peers ${h.peers} after the abusers left, expected 3`);
      if (hasMetrics) {
        const after = await metrics(base);
        report.abuseClosed = metricSum(after, 'jb_sessions_closed_by_server_total', { reason: 'abuse' }) - metricSum(before, 'jb_sessions_closed_by_server_total', { reason: 'abuse' });
      }
    });
  } catch (err) {
    failed = err;
  }

  // ---- Report ----
  if (report.flood.length) {
    console.log(`\na) garbage flood: ${report.floodMs} ms, sent by kind ${JSON.stringify(report.sentByKind)}, send errors ${report.sendErrors}`);
    console.log(table(['port', 'sent', 'udp rx Δ (metrics)', 'drops Δ (metrics)', 'kernel drops Δ'], report.flood));
    if (report.floodReasons.length) console.log(table(['drop reason', 'Δ'], report.floodReasons));
    if (report.accounted !== undefined) console.log(`accounted: ${(100 * report.accounted).toFixed(1)}%`);
  }
  for (const [what, fps] of Object.entries(report.frames)) {
    console.log(`\nlowest decoded fps per pair in any window (${what}): ${Object.entries(fps).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  if (report.killed.length) {
    console.log(`\nb) killed client (${report.dPids ?? '?'} Chromium processes; consent timeout ${hasConsent ? `${CONSENT_S} s` : 'n/a'})`);
    console.log(table(['when', 'peers', 'transports', 'producers', 'consumers', 'timing'], report.killed));
    if (report.consentExpirations !== undefined) console.log(`jb_ice_consent_expirations_total Δ: ${report.consentExpirations}`);
    if (report.thawRejoinMs !== undefined) console.log(`D thawed -> rejoined and decoded by all: ${report.thawRejoinMs} ms`);
  }
  if (report.abuse.length) {
    console.log('\nc) signaling abuse');
    console.log(table(['session', 'requests', 'error responses', 'closed'], report.abuse));
    if (report.abuseClosed !== undefined) console.log(`jb_sessions_closed_by_server_total{reason="abuse"} Δ: ${report.abuseClosed}`);
  }
  if (report.missing.length) console.log(`\nserver lacks: ${report.missing.join('; ')}`);

  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') await saveArtifacts('faults', tabs, server);
  signalAll(stoppedPids, 'SIGKILL');
  for (const b of browsers) await Promise.race([b.close(), sleep(10_000)]);
  await server.stop();
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    console.error(`server log tail:\n${server.tail(30)}`);
  }
  console.log(`\nfaults e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
