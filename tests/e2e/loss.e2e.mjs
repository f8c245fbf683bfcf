#!/usr/bin/env node
// Packet loss in real Chromium: video must keep decoding through 5% loss with 40 ms delay,
// thanks to NACK/RTX (the SFU's RetransmissionBuffer, NackGenerator, RTX from Consumers).
//
// Network. The test makes three network namespaces of its own (lib/netns.mjs), in a line:
//   <id>-srv (jbcalling, 10.61.1.2) ── <id>-mid (router, 10.61.1.1 | 10.61.2.1) ── <id>-cli (Chromium, 10.61.2.2)
// and deletes them on every exit path (success, failure, SIGINT/SIGTERM; the outer process
// owns them and runs the test itself as a child inside <id>-cli).
//
// Impairment. shared/design/TESTING.md says `tc qdisc add dev <veth> root netem loss 5% delay
// 40ms`, but this kernel has no sch_netem module ("Specified qdisc kind is unknown"; no fq/etf
// either, no tc bpf/matchall classifiers, and nft's `queue` expression is missing, so packets
// cannot be held by the kernel nor handed to userspace for a verdict). So:
//  - Loss: nftables in <id>-mid, `iifname vc|vs meta l4proto udp numgen random mod 100 < 5
//    drop`: the kernel drops each UDP datagram entering mid from either side with p = 5%,
//    independently, as netem's `loss 5%` does. Both directions of both legs (A→SFU uplink and
//    SFU→B downlink, and the RTCP) are lossy.
//  - Delay: a userspace delay line in <id>-mid (lib/udpDelayRelay.mjs). The SFU listens on
//    10.61.1.2:40000+i and announces 10.61.2.1 (`--rtc-listen` / `--announced-ip`); the relay
//    listens there and forwards each datagram after exactly 40 ms, in order, one upstream
//    socket per browser address, and the answers back after 40 ms: 40 ms each way (RTT ≥ 80 ms
//    for media, STUN, DTLS and RTCP). HTTP and the WebSocket are routed by mid's kernel,
//    unimpaired: the test is about media.
//
// Run. Page A sends the fake camera, page B (receive-only: its getUserMedia is refused)
// decodes it. After a warm-up, 20 s without loss (same delay), then 20 s with 5% loss, in the
// same call. For each window it prints B's framesDecoded delta, nackCount, packetsLost, the
// longest gap between decoded frames (B polls its inbound-rtp every 100 ms), freezes, A's
// retransmissions, the SFU's /metrics NACK/RTX/PLI counters and the nft drop counters.
// Asserts: lossy frames ≥ 80% of the lossless ones; B's nackCount grew in the lossy window;
// no gap between decoded frames over 2 s in either window.
//
// Run (as root; needs `nft`, apt package nftables): node tests/e2e/loss.e2e.mjs
// Env as in tests/e2e/README.md; JB_LOSS_PERCENT (5), JB_LOSS_DELAY_MS (40), JB_LOSS_WINDOW_S (20).
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LineTopology, ADDR, destroyNamespaces, leftoverNamespaces } from './lib/netns.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const LOSS_PERCENT = Number(process.env.JB_LOSS_PERCENT ?? 5);
const DELAY_MS = Number(process.env.JB_LOSS_DELAY_MS ?? 40);
const WINDOW_MS = Number(process.env.JB_LOSS_WINDOW_S ?? 20) * 1000;
const WARMUP_MS = 8000;
const MIN_RATIO = 0.8;
const MAX_STALL_MS = 2000;
const HTTP_PORT = 8080;
const RTC_PORT = 40000;
const WORKERS = 2;
const NS_PREFIX = 'jbloss';

if (process.env.JB_LOSS_INNER === '1') {
  await inner();
} else {
  outer();
}

// ---- Outer: owns the namespaces, runs the test inside <id>-cli ----------------------------

function outer() {
  if (process.getuid?.() !== 0) {
    console.error('loss e2e: needs root (ip netns, nft)');
    process.exit(2);
  }
  for (const tool of ['ip', 'nft']) {
    try {
      execFileSync(tool, ['-V'], { stdio: 'ignore' });
    } catch {
      console.error(`loss e2e: missing \`${tool}\`${tool === 'nft' ? ' (apt-get install nftables)' : ''}`);
      process.exit(2);
    }
  }
  // Namespaces of an earlier run that was killed before it could clean up (its pid is in the name).
  const alive = (pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const stale = leftoverNamespaces(NS_PREFIX).filter((n) => !alive(Number(/^jbloss(\d+)-/.exec(n)?.[1] ?? 0)));
  if (stale.length) {
    console.log(`[loss] deleting namespaces left by a killed run: ${stale.join(' ')}`);
    destroyNamespaces(stale);
  }

  const topo = new LineTopology(`${NS_PREFIX}${process.pid}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'jb-loss-'));
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    topo.destroy();
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  process.on('exit', cleanup);

  try {
    topo.create();
  } catch (err) {
    console.error(`loss e2e: could not create the namespaces: ${err.stderr ?? err.message}`);
    process.exit(2);
  }

  // The server runs in <id>-srv: the harness spawns JB_SERVER_BIN, so give it a wrapper.
  const realServer = path.resolve(process.env.JB_SERVER_BIN ?? path.join(HERE, '..', '..', 'build', 'release', 'jbcalling'));
  const wrapper = path.join(tmp, 'jbcalling-in-srv');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${topo.srv} ${realServer} "$@"\n`, { mode: 0o755 });

  const child = spawn('ip', ['netns', 'exec', topo.cli, process.execPath, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      JB_LOSS_INNER: '1',
      JB_LOSS_REAL_SERVER: realServer,
      JB_SERVER_BIN: wrapper,
      JB_LOSS_NS_SRV: topo.srv,
      JB_LOSS_NS_MID: topo.mid,
      JB_LOSS_NS_CLI: topo.cli,
    },
  });
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      // The child got the terminal's SIGINT too; give it a moment to close its browser.
      child.kill(sig);
      setTimeout(() => {
        cleanup();
        process.exit(130);
      }, 3000).unref();
    });
  }
  child.on('exit', (code, signal) => {
    cleanup();
    process.exit(code ?? (signal ? 1 : 0));
  });
}

// ---- Inner: runs inside <id>-cli -----------------------------------------------------------

/** Records every RTCPeerConnection of the page, for inbound/outbound-rtp stats (init script). */
function pageProbe({ receiveOnly }) {
  if (receiveOnly) {
    navigator.mediaDevices.getUserMedia = async () => {
      throw new DOMException('Requested device not found', 'NotFoundError');
    };
  }
  const pcs = [];
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  };
  async function rows(type, kind) {
    const out = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type === type && s.kind === kind) out.push(s);
      });
    }
    return out;
  }
  const sum = (list, key) => list.reduce((a, s) => a + (typeof s[key] === 'number' ? s[key] : 0), 0);
  // Decoded-frame gaps: inbound-rtp polled every 100 ms while a window is open.
  let win;
  window.__loss = {
    async snapshot() {
      const inb = await rows('inbound-rtp', 'video');
      const outb = await rows('outbound-rtp', 'video');
      return {
        framesDecoded: sum(inb, 'framesDecoded'),
        nackCount: sum(inb, 'nackCount'),
        packetsLost: sum(inb, 'packetsLost'),
        packetsReceived: sum(inb, 'packetsReceived'),
        freezeCount: sum(inb, 'freezeCount'),
        totalFreezesDuration: sum(inb, 'totalFreezesDuration'),
        pliCount: sum(inb, 'pliCount'),
        keyFramesDecoded: sum(inb, 'keyFramesDecoded'),
        retransmittedPacketsReceived: sum(inb, 'retransmittedPacketsReceived'),
        frameHeight: Math.max(0, ...inb.map((s) => s.frameHeight ?? 0)),
        sentNacksReceived: sum(outb, 'nackCount'),
        sentRetransmittedPackets: sum(outb, 'retransmittedPacketsSent'),
        sentPackets: sum(outb, 'packetsSent'),
        sentPliReceived: sum(outb, 'pliCount'),
      };
    },
    /** The selected candidate pair of each peer connection that carries media. */
    async routes() {
      const out = [];
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        const dirs = pc.getTransceivers().map((t) => t.currentDirection);
        // mediasoup-client connects a transport on its first produce/consume only.
        if (!dirs.some((d) => d === 'sendonly' || d === 'recvonly')) continue;
        const report = await pc.getStats();
        const byId = new Map();
        report.forEach((s) => byId.set(s.id, s));
        const transport = [...byId.values()].find((s) => s.type === 'transport');
        const pair = byId.get(transport?.selectedCandidatePairId);
        const l = byId.get(pair?.localCandidateId);
        const r = byId.get(pair?.remoteCandidateId);
        out.push({
          direction: dirs.includes('sendonly') ? 'send' : 'recv',
          state: pc.connectionState,
          local: l && `${l.address}:${l.port}`,
          localType: l?.candidateType,
          remote: r && `${r.address}:${r.port}`,
          remoteType: r?.candidateType,
        });
      }
      return out;
    },
    startWindow() {
      const w = { frames: undefined, lastChange: performance.now(), maxGap: 0, polls: 0, stop: false };
      win = w;
      const poll = async () => {
        if (w.stop) return;
        const frames = sum(await rows('inbound-rtp', 'video'), 'framesDecoded');
        const now = performance.now();
        w.polls++;
        if (w.frames === undefined || frames !== w.frames) {
          if (w.frames !== undefined) w.maxGap = Math.max(w.maxGap, now - w.lastChange);
          w.frames = frames;
          w.lastChange = now;
        }
        setTimeout(poll, 100);
      };
      poll();
    },
    stopWindow() {
      const w = win;
      w.stop = true;
      // A stall still going on at the end counts too.
      return { maxGapMs: Math.round(Math.max(w.maxGap, performance.now() - w.lastChange)), polls: w.polls };
    },
  };
}

async function inner() {
  const h = await import('./lib/harness.mjs');
  const { Server, Tab, StepError, launchBrowser, makeLog, metrics, metricSum, randomRoomId, saveArtifacts, serverHasOption, sleep, stepper, table, waitFor, waitForMediaFrom, waitHealthy } = h;
  const log = makeLog('loss');
  const { step, results } = stepper(log);
  h.checkPrerequisites();
  // The wrapper exists; the real binary is what must.
  if (!fs.existsSync(process.env.JB_LOSS_REAL_SERVER)) {
    console.error(`missing server binary: ${process.env.JB_LOSS_REAL_SERVER}`);
    process.exit(2);
  }
  const topo = new LineTopology('');
  Object.assign(topo, { srv: process.env.JB_LOSS_NS_SRV, mid: process.env.JB_LOSS_NS_MID, cli: process.env.JB_LOSS_NS_CLI });
  const base = `http://${ADDR.server}:${HTTP_PORT}`;

  let server;
  let relay;
  let browser;
  const tabs = [];
  const windows = [];
  const routes = [];
  let failed;
  let relayStatsReq;
  const cleanup = () => {
    server?.killSync();
    if (relay && relay.exitCode === null) relay.kill('SIGKILL');
    // On SIGINT the browser is not closed; the outer process kills it with the namespace.
    if (browser) fs.rmSync(browser.userDataDir, { recursive: true, force: true });
  };
  process.on('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

  const relayStats = () =>
    new Promise((resolve) => {
      relayStatsReq = resolve;
      relay.stdin.write('stats\n');
      setTimeout(() => resolve(undefined), 2000);
    });

  try {
    await step(`relay in ${topo.mid}: ${ADDR.midClientSide}:${RTC_PORT}..${RTC_PORT + WORKERS - 1} → ${ADDR.server}, ${DELAY_MS} ms each way`, async () => {
      const ports = Array.from({ length: WORKERS }, (_, i) => RTC_PORT + i).join(',');
      relay = spawn('ip', ['netns', 'exec', topo.mid, process.execPath, path.join(HERE, 'lib', 'udpDelayRelay.mjs'),
        '--listen', ADDR.midClientSide, '--ports', ports, '--bind-upstream', ADDR.midServerSide,
        '--upstream', ADDR.server, '--delay-ms', String(DELAY_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
      let ready;
      const readyP = new Promise((r) => (ready = r));
      readline.createInterface({ input: relay.stdout }).on('line', (line) => {
        let msg;
        try {
          msg = JSON.parse(line);
        } catch {
          return log(`relay: ${line}`);
        }
        if (msg.ready) ready(true);
        if (msg.stats && relayStatsReq) relayStatsReq(msg.stats);
      });
      relay.on('exit', (code) => ready(false));
      if (!(await Promise.race([readyP, sleep(10_000).then(() => false)]))) throw new StepError('the relay did not start');
    });

    await step(`jbcalling serve in ${topo.srv} on ${ADDR.server}, announcing ${ADDR.midClientSide} (the relay)`, async () => {
      const extra = (await serverHasOption('--no-translation')) ? ['--no-translation'] : [];
      server = new Server([
        'serve',
        '--listen', ADDR.server,
        '--port', String(HTTP_PORT),
        '--announced-ip', ADDR.midClientSide,
        '--rtc-listen', ADDR.server,
        '--rtc-port', String(RTC_PORT),
        '--workers', String(WORKERS),
        '--web-root', h.WEB_ROOT,
        ...(process.env.JB_SERVER_LOG_LEVEL ? ['--log-level', process.env.JB_SERVER_LOG_LEVEL] : []),
        ...extra,
      ], log);
      server.start();
      await waitHealthy(server, base);
    });

    // The harness maps every host name to NOTFOUND (no DNS leaves the machine), which also
    // catches IP literals; the server's address is let through (the last flag wins). And
    // http://10.61.1.2 is not a secure context (no getUserMedia, no WebRTC device for
    // mediasoup-client) unless Chromium is told to treat it as one.
    browser = await launchBrowser({
      extraArgs: [
        `--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE ${ADDR.server}`,
        `--unsafely-treat-insecure-origin-as-secure=${base}`,
      ],
    });
    const A = new Tab('A', browser.context.pages()[0] ?? (await browser.context.newPage()));
    const B = new Tab('B', await browser.context.newPage());
    tabs.push(A, B);
    await A.page.addInitScript(pageProbe, { receiveOnly: false });
    await B.page.addInitScript(pageProbe, { receiveOnly: true });
    const url = `${base}/r/${randomRoomId()}`;

    await step(`A (camera) and B (receive-only) join from ${topo.cli} over the veths; B decodes A`, async () => {
      await A.join(url, 'Alice Sender');
      await B.join(url, 'Bob Receiver');
      await waitForMediaFrom(B, [A], 60_000, { videoOnly: true });
    });

    await step(`media goes over the veths: every used transport's selected pair ends at the relay ${ADDR.midClientSide}`, async () => {
      for (const t of [A, B]) {
        const r = await waitFor(`${t.name}'s used transports to be connected`, async () => {
          const list = await t.page.evaluate(() => window.__loss.routes());
          return list.length > 0 && list.every((x) => x.state === 'connected' && x.remote) ? list : { ok: false, detail: list };
        }, 20_000);
        for (const x of r) {
          routes.push([t.name, x.direction, `${x.local} (${x.localType})`, `${x.remote} (${x.remoteType})`]);
          if (!x.remote.startsWith(`${ADDR.midClientSide}:`)) throw new StepError(`${t.name} sends to ${x.remote}, not the relay: ${JSON.stringify(x)}`);
        }
      }
    });

    await step(`warm-up ${WARMUP_MS / 1000} s (the encoder ramps its resolution up)`, () => sleep(WARMUP_MS));

    const measure = async (name, percent) => {
      topo.setUdpLoss(percent);
      const m0 = await metrics(base);
      const b0 = await B.page.evaluate(() => window.__loss.snapshot());
      const a0 = await A.page.evaluate(() => window.__loss.snapshot());
      const d0 = topo.udpDrops();
      await B.page.evaluate(() => window.__loss.startWindow());
      const t0 = Date.now();
      await sleep(WINDOW_MS);
      const gap = await B.page.evaluate(() => window.__loss.stopWindow());
      const secs = (Date.now() - t0) / 1000;
      const b1 = await B.page.evaluate(() => window.__loss.snapshot());
      const a1 = await A.page.evaluate(() => window.__loss.snapshot());
      const m1 = await metrics(base);
      const d1 = percent > 0 ? topo.udpDrops() : { fromClient: 0, fromServer: 0 };
      const delta = (a, b, k) => b[k] - a[k];
      const mm = (n) => metricSum(m1, n) - metricSum(m0, n);
      const w = {
        name,
        percent,
        secs,
        frames: delta(b0, b1, 'framesDecoded'),
        nacks: delta(b0, b1, 'nackCount'),
        lost: delta(b0, b1, 'packetsLost'),
        received: delta(b0, b1, 'packetsReceived'),
        rtxReceived: delta(b0, b1, 'retransmittedPacketsReceived'),
        freezes: delta(b0, b1, 'freezeCount'),
        freezeSecs: delta(b0, b1, 'totalFreezesDuration'),
        plisSentByB: delta(b0, b1, 'pliCount'),
        keyFrames: delta(b0, b1, 'keyFramesDecoded'),
        height: b1.frameHeight,
        maxGapMs: gap.maxGapMs,
        aNacksReceived: delta(a0, a1, 'sentNacksReceived'),
        aRetransmitted: delta(a0, a1, 'sentRetransmittedPackets'),
        aPackets: delta(a0, a1, 'sentPackets'),
        aPlisReceived: delta(a0, a1, 'sentPliReceived'),
        dropsFromClient: d1.fromClient - (percent > 0 ? d0.fromClient : 0),
        dropsFromServer: d1.fromServer - (percent > 0 ? d0.fromServer : 0),
        server: Object.fromEntries(
          ['jb_nacks_sent_total', 'jb_nacks_received_total', 'jb_retransmissions_received_total', 'jb_retransmissions_sent_total',
            'jb_nack_give_ups_total', 'jb_plis_sent_total', 'jb_plis_received_total', 'jb_firs_received_total',
            'jb_rtp_packets_received_total', 'jb_rtp_packets_sent_total'].map((n) => [n, m0 && m1 ? mm(n) : '-']),
        ),
      };
      windows.push(w);
      log(`${name}: ${w.frames} frames in ${secs.toFixed(1)} s, B nackCount +${w.nacks}, packetsLost +${w.lost}, longest gap ${w.maxGapMs} ms`);
      return w;
    };

    let clean;
    await step(`${WINDOW_MS / 1000} s without loss (delay ${DELAY_MS} ms each way)`, async () => {
      clean = await measure('no loss', 0);
      if (clean.frames < 10) throw new StepError(`B decoded only ${clean.frames} frames without loss`);
      if (clean.maxGapMs > MAX_STALL_MS) throw new StepError(`decoding stalled ${clean.maxGapMs} ms without loss`);
    });

    await step(`${WINDOW_MS / 1000} s with ${LOSS_PERCENT}% loss each way (nft in ${topo.mid}) and ${DELAY_MS} ms delay`, async () => {
      const lossy = await measure(`${LOSS_PERCENT}% loss`, LOSS_PERCENT);
      topo.setUdpLoss(0);
      const problems = [];
      if (!(lossy.dropsFromClient > 0 && lossy.dropsFromServer > 0)) problems.push(`nft dropped ${lossy.dropsFromClient}/${lossy.dropsFromServer}: no loss was applied`);
      if (!(lossy.nacks > 0)) problems.push(`B's nackCount did not grow (+${lossy.nacks})`);
      const ratio = lossy.frames / clean.frames;
      if (!(ratio >= MIN_RATIO)) problems.push(`frames with loss / without = ${lossy.frames}/${clean.frames} = ${ratio.toFixed(3)} < ${MIN_RATIO}`);
      if (lossy.maxGapMs > MAX_STALL_MS) problems.push(`decoding stalled ${lossy.maxGapMs} ms with loss (> ${MAX_STALL_MS})`);
      if (problems.length) throw new StepError(problems.join('; '));
    });
  } catch (err) {
    failed = err;
  }

  const rs = relay ? await relayStats() : undefined;
  console.log('\nloss: measured (receiver B, video from A)');
  if (windows.length) {
    const col = (k) => windows.map((w) => (typeof k === 'function' ? k(w) : w[k]));
    const rowsOut = [
      ['window (s)', ...col((w) => w.secs.toFixed(1))],
      ['B framesDecoded', ...col('frames')],
      ['B nackCount (sent)', ...col('nacks')],
      ['B packetsLost', ...col('lost')],
      ['B packetsReceived', ...col('received')],
      ['B retransmittedPacketsReceived', ...col('rtxReceived')],
      ['B longest decode gap (ms)', ...col('maxGapMs')],
      ['B freezes / seconds frozen', ...col((w) => `${w.freezes} / ${w.freezeSecs.toFixed(2)}`)],
      ['B PLIs sent / keyframes decoded', ...col((w) => `${w.plisSentByB} / ${w.keyFrames}`)],
      ['B frame height (end)', ...col('height')],
      ['A packets sent', ...col('aPackets')],
      ['A NACKs received / RTX sent', ...col((w) => `${w.aNacksReceived} / ${w.aRetransmitted}`)],
      ['A PLIs received', ...col('aPlisReceived')],
      ['nft drops browser→mid / server→mid', ...col((w) => `${w.dropsFromClient} / ${w.dropsFromServer}`)],
      ...Object.keys(windows[0].server).map((n) => [`server ${n}`, ...col((w) => w.server[n])]),
    ];
    console.log(table(['', ...windows.map((w) => w.name)], rowsOut));
    if (windows.length === 2) {
      const ratio = windows[1].frames / windows[0].frames;
      console.log(`\nframes decoded in ${WINDOW_MS / 1000} s: no loss ${windows[0].frames}, ${LOSS_PERCENT}% loss ${windows[1].frames}, ratio ${ratio.toFixed(3)} (must be ≥ ${MIN_RATIO})`);
    }
  }
  // The relay is a NAT too: the SFU sees (and tells the browser) 10.61.1.1, hence a prflx local candidate.
  if (routes.length) console.log(table(['tab', 'transport', 'local (type)', 'remote (type)'], routes));
  if (rs) console.log(`relay: ${JSON.stringify(rs)}`);
  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') await saveArtifacts('loss', tabs, server);
  await browser?.close();
  await server?.stop();
  relay?.kill('SIGTERM');
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    if (server) console.error(`server log tail:\n${server.tail(20)}`);
  }
  console.log(`\nloss e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}
