#!/usr/bin/env node
// ICE over TCP end to end: the server announces no UDP candidate (`--no-ice-udp`), only its RFC 6544
// passive TCP one, so two real Chromium pages must send and receive all media over RFC 4571-framed
// TCP. Checks: both decode each other's video; every selected candidate pair is TCP (getStats) and
// no UDP pair ever succeeded; the server counted no UDP datagram at all; and a raw client sending a
// bad frame to the ICE-TCP port is cut off and counted without disturbing the call.
// Run: node tests/e2e/icetcp.e2e.mjs   (env as in tests/e2e/README.md)
import net from 'node:net';
import {
  Server,
  Tab,
  StepError,
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
  stepper,
  table,
  waitFor,
  waitForMediaFrom,
  waitHealthy,
} from './lib/harness.mjs';
import { installIceProbe, selectedPairs } from './lib/iceProbe.mjs';

const T_MEDIA = 60_000;
const log = makeLog('icetcp');
const { step, results } = stepper(log);

/** The worker's ICE-TCP port, from its start-up line ("listening udp=...:P (not announced) tcp=T"). */
function tcpPortOf(server) {
  for (const line of server.lines) {
    const m = /worker=0 listening udp=\S+ (?:\(not announced\) )?tcp=(\d+)/.exec(line);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Connects to the ICE-TCP port, writes `bytes`, resolves with how the server ended it. */
function rawTcpExchange(port, bytes, timeoutMs = 5000) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const start = Date.now();
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByServer: false, ms: Date.now() - start });
    }, timeoutMs);
    socket.on('connect', () => socket.write(bytes));
    const done = (how) => {
      clearTimeout(timer);
      resolve({ closedByServer: true, how, ms: Date.now() - start });
    };
    socket.on('end', () => done('fin'));
    socket.on('error', (e) => done(e.code ?? e.message));
    socket.on('data', () => {});
  });
}

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(1);
  const base = `http://127.0.0.1:${httpPort}`;
  const server = new Server(serveArgs({ httpPort, udpBase, workers: 1, extra: ['--no-ice-udp', '--no-translation'] }), log);
  process.on('exit', () => server.killSync());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.killSync();
      process.exit(130);
    });
  }

  let browser;
  const tabs = [];
  const m = {};
  let failed;
  try {
    server.start();
    await step('server answers /health with ICE-TCP on and UDP not announced', async () => {
      await waitHealthy(server, base);
      m.tcpPort = await waitFor('the worker start-up line', async () => tcpPortOf(server), 5000, 50);
      if (!server.lines.some((l) => l.includes('(not announced)'))) throw new StepError('worker does not say UDP is not announced');
    });
    browser = await launchBrowser();
    const A = new Tab('A', browser.context.pages()[0] ?? (await browser.context.newPage()));
    const B = new Tab('B', await browser.context.newPage());
    tabs.push(A, B);
    for (const t of tabs) await installIceProbe(t.page);
    const roomUrl = `${base}/r/${randomRoomId()}`;

    await step('A and B join one room and decode each other over TCP', async () => {
      const started = Date.now();
      await A.join(roomUrl, 'Alice Tcp');
      await B.join(roomUrl, 'Bob Tcp');
      await Promise.all([
        waitForMediaFrom(A, [B], T_MEDIA).then(() => (m.wallAtoB = Date.now() - started)),
        waitForMediaFrom(B, [A], T_MEDIA).then(() => (m.wallBtoA = Date.now() - started)),
      ]);
      for (const t of tabs) {
        const tl = await t.page.evaluate(() => window.__jb.timeline);
        m[`joinToDecoding${t.name}`] = Math.round(tl.firstRemoteFrameAt - tl.joinedAt);
      }
      // Frames keep coming both ways, not one keyframe.
      const before = [await A.framesFrom(B), await B.framesFrom(A)];
      await waitFor('both to keep decoding', async () =>
        (await A.framesFrom(B)) > before[0] + 20 && (await B.framesFrom(A)) > before[1] + 20, 20_000, 250);
    });

    await step('every selected candidate pair is TCP to the server\'s passive candidate; no UDP pair succeeded', async () => {
      m.pairs = [];
      for (const t of tabs) {
        const pairs = await waitFor(`${t.name}'s peer connections to be connected`, async () => {
          const list = await selectedPairs(t.page);
          return list.length >= 2 && list.every((p) => p.state === 'connected' && p.localProtocol) ? list : { ok: false, detail: list };
        }, 20_000);
        for (const p of pairs) {
          m.pairs.push([t.name, p.localProtocol, p.localTcpType ?? '-', p.remoteProtocol, p.remotePort, p.bytesReceived]);
          if (p.localProtocol !== 'tcp' || p.remoteProtocol !== 'tcp')
            throw new StepError(`${t.name}: selected pair is ${p.localProtocol}->${p.remoteProtocol}`);
          if (p.remotePort !== m.tcpPort) throw new StepError(`${t.name}: remote port ${p.remotePort}, ICE-TCP port is ${m.tcpPort}`);
          if (p.remoteCandidateProtocols.includes('udp')) throw new StepError(`${t.name}: the server announced a UDP candidate`);
          if (p.succeededUdpPairs > 0) throw new StepError(`${t.name}: ${p.succeededUdpPairs} UDP pairs succeeded`);
        }
      }
    });

    await step('/metrics: media over ICE-TCP, not one UDP datagram', async () => {
      const s = await metrics(base);
      m.udpIn = metricSum(s, 'jb_udp_packets_received_total');
      m.tcpFramesIn = metricSum(s, 'jb_ice_tcp_frames_received_total');
      m.tcpFramesOut = metricSum(s, 'jb_ice_tcp_frames_sent_total');
      m.rtpIn = metricSum(s, 'jb_rtp_packets_received_total');
      m.tcpOpen = metricSum(s, 'jb_ice_tcp_connections');
      if (m.udpIn !== 0) throw new StepError(`${m.udpIn} UDP datagrams reached the server`);
      if (!(m.tcpFramesIn > m.rtpIn && m.rtpIn > 100)) throw new StepError(`tcp frames in ${m.tcpFramesIn}, rtp in ${m.rtpIn}`);
      if (m.tcpOpen < 4) throw new StepError(`${m.tcpOpen} ICE-TCP connections open, expected one per transport (4)`);
    });

    await step('a raw client sending an oversized frame is closed and counted; the call goes on', async () => {
      const before = metricSum(await metrics(base), 'jb_ice_tcp_closes_total', { reason: 'frame_too_large' });
      m.oversized = await rawTcpExchange(m.tcpPort, Buffer.from([0xff, 0xff, 1, 2, 3]));
      if (!m.oversized.closedByServer) throw new StepError('the server kept a connection that sent a 65535-byte length');
      m.silent = await rawTcpExchange(m.tcpPort, Buffer.alloc(0), 15_000);
      if (!m.silent.closedByServer) throw new StepError('the server kept a silent unauthenticated connection');
      const s = await metrics(base);
      const after = metricSum(s, 'jb_ice_tcp_closes_total', { reason: 'frame_too_large' });
      if (after !== before + 1) throw new StepError(`frame_too_large went ${before} -> ${after}`);
      if (metricSum(s, 'jb_ice_tcp_closes_total', { reason: 'auth_timeout' }) < 1) throw new StepError('auth_timeout not counted');
      const frames = await A.framesFrom(B);
      await waitFor('A to keep decoding B', async () => (await A.framesFrom(B)) > frames + 10, 10_000, 250);
    });
  } catch (err) {
    failed = err;
  }

  console.log('\nicetcp: measured');
  console.log(
    table(
      ['what', 'value'],
      [
        ['ICE-TCP port (UDP base)', `${m.tcpPort ?? '-'} (${udpBase})`],
        ['join -> first remote frame, A / B (ms, page timeline)', `${m.joinToDecodingA ?? '-'} / ${m.joinToDecodingB ?? '-'}`],
        ['A join click -> A decodes B / B decodes A (ms, wall)', `${m.wallAtoB ?? '-'} / ${m.wallBtoA ?? '-'}`],
        ['UDP datagrams received by the server', m.udpIn ?? '-'],
        ['ICE-TCP frames in / out', `${m.tcpFramesIn ?? '-'} / ${m.tcpFramesOut ?? '-'}`],
        ['open ICE-TCP connections', m.tcpOpen ?? '-'],
        ['oversized frame: closed after (ms)', m.oversized ? `${m.oversized.ms} (${m.oversized.how})` : '-'],
        ['silent connection: closed after (ms)', m.silent ? `${m.silent.ms} (${m.silent.how})` : '-'],
      ],
    ),
  );
  if (m.pairs?.length) console.log('\n' + table(['tab', 'local', 'tcpType', 'remote', 'remote port', 'bytes in'], m.pairs));
  if (failed || process.env.JB_E2E_KEEP_ARTIFACTS === '1') await saveArtifacts('icetcp', tabs, server);
  await browser?.close();
  await server.stop();
  const passed = results.filter((r) => r.ok).length;
  if (failed) {
    console.error(`\nFAILED: ${failed instanceof Error ? failed.message : failed}`);
    console.error(`server log tail:\n${server.tail(30)}`);
  }
  console.log(`\nicetcp e2e: ${passed} passed, ${results.length - passed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
