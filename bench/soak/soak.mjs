#!/usr/bin/env node
// Soak benchmark (not CI): P publishers and S subscribers stay in one call for a long time
// while the server's RSS and CPU are sampled from /proc. Reports start/end/max RSS, the RSS
// slope, CPU, and whether RSS stayed flat.
//
//   node bench/soak/soak.mjs [--duration 600] [--publishers 3] [--subscribers 12]
//                            [--interval 10] [--video 320x240@15] [--json out.json]
//
// Clients are real Chromium pages running the web app (one browser, one page each):
// publishers send the fake camera at --video and the fake microphone; subscribers have no
// devices (getUserMedia is refused), so they join receive-only and decode every publisher.
// Env as in tests/e2e/README.md: JB_SERVER_BIN, JB_WEB_ROOT, JB_CHROMIUM.
import fs from 'node:fs';
import os from 'node:os';
import {
  SERVER_BIN,
  Server,
  Tab,
  checkPrerequisites,
  freeTcpPort,
  freeUdpBase,
  health,
  launchBrowser,
  makeLog,
  metricSum,
  metrics,
  randomRoomId,
  serveArgs,
  sleep,
  table,
  waitFor,
  waitHealthy,
} from '../../tests/e2e/lib/harness.mjs';

function parseArgs(argv) {
  const opts = { duration: 600, publishers: 3, subscribers: 12, interval: 10, video: '320x240@15', workers: 2, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]}`);
    const v = argv[++i];
    opts[key] = typeof opts[key] === 'number' ? Number(v) : v;
  }
  const m = /^(\d+)x(\d+)@(\d+)$/.exec(opts.video);
  if (!m) throw new Error('--video must look like 320x240@15');
  opts.width = Number(m[1]);
  opts.height = Number(m[2]);
  opts.fps = Number(m[3]);
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const log = makeLog('soak');
const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat times are in these ticks.
const MiB = 1024 * 1024;

function procSample(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const threads = Number(/Threads:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  // Fields after the ")" of the command name: utime and stime are fields 14 and 15.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(rest[11]) + Number(rest[12]);
  return { at: Date.now(), rssBytes: rssKb * 1024, cpuSeconds: ticks / CLK_TCK, threads };
}

/** Least-squares slope of y over x. */
function slope(xs, ys) {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** Makes getUserMedia ask for the soak's video size, or refuse (receive-only pages). */
function mediaOverride({ publish, width, height, fps }) {
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    if (!publish) throw new DOMException('Requested device not found', 'NotFoundError');
    const video = c && c.video ? { width: { exact: width }, height: { exact: height }, frameRate: { ideal: fps, max: fps } } : false;
    return original({ ...c, video });
  };
}

async function main() {
  checkPrerequisites();
  const httpPort = await freeTcpPort();
  const udpBase = await freeUdpBase(opts.workers);
  const base = `http://127.0.0.1:${httpPort}`;
  const server = new Server(serveArgs({ httpPort, udpBase, workers: opts.workers }), log);
  process.on('exit', () => server.killSync());
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      server.killSync();
      process.exit(130);
    });
  }
  server.start();
  await waitHealthy(server, base);
  const pid = server.pid;

  const browser = await launchBrowser();
  const roomUrl = `${base}/r/${randomRoomId()}`;
  const pubs = [];
  const subs = [];
  let failure;
  const samples = [];
  let decodeFps = {};
  try {
    for (let i = 0; i < opts.publishers + opts.subscribers; i++) {
      const publish = i < opts.publishers;
      const page = i === 0 ? (browser.context.pages()[0] ?? (await browser.context.newPage())) : await browser.context.newPage();
      await page.setViewportSize({ width: 640, height: 360 });
      await page.addInitScript(mediaOverride, { publish, width: opts.width, height: opts.height, fps: opts.fps });
      const tab = new Tab(publish ? `P${i + 1}` : `S${i - opts.publishers + 1}`, page);
      await tab.join(roomUrl, tab.name, 60_000);
      (publish ? pubs : subs).push(tab);
      log(`${tab.name} joined (${pubs.length} publishers, ${subs.length} subscribers)`);
    }
    const everyone = [...pubs, ...subs];
    await waitFor('every page to decode every publisher', async () => {
      const missing = [];
      for (const t of everyone) {
        const rows = await t.stats();
        for (const p of pubs) {
          if (p === t) continue;
          const v = rows.find((r) => r.peerId === p.id && r.kind === 'video');
          if (!(v?.framesDecoded > 0)) missing.push(`${t.name}<-${p.name}`);
        }
      }
      return missing.length === 0 ? true : { ok: false, detail: missing };
    }, 180_000, 1000);
    const h0 = await health(base);
    log(`all decoding; /health peers=${h0.peers}; sampling every ${opts.interval} s for ${opts.duration} s`);

    const framesAt = async () => {
      const out = {};
      for (const t of subs) {
        const rows = await t.stats();
        out[t.name] = rows.filter((r) => r.kind === 'video').reduce((a, r) => a + r.framesDecoded, 0);
      }
      return out;
    };
    const framesStart = await framesAt();
    const start = Date.now();
    for (;;) {
      const s = procSample(pid);
      const mtr = await metrics(base).catch(() => undefined);
      s.consumers = mtr ? metricSum(mtr, 'jb_consumers') : undefined;
      s.peers = (await health(base).catch(() => ({}))).peers;
      samples.push(s);
      const prev = samples[samples.length - 2];
      const cpu = prev ? (100 * (s.cpuSeconds - prev.cpuSeconds)) / ((s.at - prev.at) / 1000) : 0;
      log(`t=${Math.round((s.at - start) / 1000)} s RSS ${(s.rssBytes / MiB).toFixed(1)} MiB, CPU ${cpu.toFixed(1)}% of a core, peers ${s.peers}`);
      if (server.exit) throw new Error(`server exited: ${JSON.stringify(server.exit)}`);
      if (s.at - start >= opts.duration * 1000) break;
      await sleep(Math.max(0, start + samples.length * opts.interval * 1000 - Date.now()));
    }
    const framesEnd = await framesAt();
    const secs = (Date.now() - start) / 1000;
    decodeFps = Object.fromEntries(subs.map((t) => [t.name, (framesEnd[t.name] - framesStart[t.name]) / secs]));
  } catch (err) {
    failure = err;
  }

  await Promise.race([browser.close(), sleep(15_000)]);
  await server.stop();
  if (failure) {
    console.error(`soak FAILED: ${failure.message}\n${server.tail(20)}`);
    process.exit(1);
  }

  // ---- Figures ----
  const t0 = samples[0].at;
  const minutes = samples.map((s) => (s.at - t0) / 60_000);
  const rssMiB = samples.map((s) => s.rssBytes / MiB);
  const half = Math.floor(samples.length / 2);
  const cpuTotal = samples.at(-1).cpuSeconds - samples[0].cpuSeconds;
  const wall = (samples.at(-1).at - t0) / 1000;
  const perInterval = samples.slice(1).map((s, i) => (100 * (s.cpuSeconds - samples[i].cpuSeconds)) / ((s.at - samples[i].at) / 1000));
  const result = {
    date: new Date().toISOString(),
    machine: { nproc: os.cpus().length, cpu: os.cpus()[0]?.model, memGiB: +(os.totalmem() / 2 ** 30).toFixed(1), loadavg: os.loadavg() },
    command: `node bench/soak/soak.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    server: SERVER_BIN,
    publishers: opts.publishers,
    subscribers: opts.subscribers,
    video: opts.video,
    durationS: Math.round(wall),
    samples: samples.length,
    rssMiB: {
      start: +rssMiB[0].toFixed(1),
      end: +rssMiB.at(-1).toFixed(1),
      max: +Math.max(...rssMiB).toFixed(1),
      min: +Math.min(...rssMiB).toFixed(1),
      slopePerMin: +slope(minutes, rssMiB).toFixed(3),
      slopePerMinSecondHalf: +slope(minutes.slice(half), rssMiB.slice(half)).toFixed(3),
    },
    cpuPercentOfOneCore: {
      mean: +((100 * cpuTotal) / wall).toFixed(1),
      max: +Math.max(...perInterval).toFixed(1),
    },
    threads: samples.at(-1).threads,
    consumers: samples.at(-1).consumers,
    subscriberDecodeFps: Object.fromEntries(Object.entries(decodeFps).map(([k, v]) => [k, +v.toFixed(1)])),
  };
  // Flat: the fitted growth over the whole run is under 2 MiB (or 2% of the start), and the
  // second half grows no faster than 0.1 MiB/min (start-up allocations settle in the first).
  const fittedGrowth = result.rssMiB.slopePerMin * (wall / 60);
  result.flat = fittedGrowth <= Math.max(2, 0.02 * result.rssMiB.start) && result.rssMiB.slopePerMinSecondHalf <= 0.1;
  result.rule = 'flat = fitted RSS growth over the run <= max(2 MiB, 2% of start) and second-half slope <= 0.1 MiB/min';
  result.rssSeries = samples.map((s, i) => [Math.round((s.at - t0) / 1000), +rssMiB[i].toFixed(2)]);

  console.log('\nsoak result');
  console.log(
    table(
      ['figure', 'value'],
      [
        ['clients', `${opts.publishers} publishers (${opts.video}) + ${opts.subscribers} subscribers, 1 room`],
        ['duration', `${result.durationS} s, ${result.samples} samples`],
        ['RSS start / end / max (MiB)', `${result.rssMiB.start} / ${result.rssMiB.end} / ${result.rssMiB.max}`],
        ['RSS slope (MiB/min), all / 2nd half', `${result.rssMiB.slopePerMin} / ${result.rssMiB.slopePerMinSecondHalf}`],
        ['server CPU (% of one core) mean / max', `${result.cpuPercentOfOneCore.mean} / ${result.cpuPercentOfOneCore.max}`],
        ['subscriber decode fps (sum of 3 videos)', Object.values(result.subscriberDecodeFps).join(' ')],
        ['RSS flat', String(result.flat)],
      ],
    ),
  );
  if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify({ ...result, rssSeries: undefined }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
