// SFU benchmark: our server and Janus VideoRoom under the same jb-loadgen scenarios, in one run.
// Both servers and the generator run inside a network namespace this script creates, so whatever
// addresses Janus announces exist only there (TESTING.md). Needs root (ip netns, taskset).
//
// Usage: node run.mjs --server <jbcalling> --loadgen <jb-loadgen> [mode] [options]
//   (no mode)   three levels, ours against Janus, alternating rounds (docs/benchmarks.md)
//   --capacity  forwarded 500-kbps video streams per core at < 0.5% loss, then latency at half that load;
//               ours unless --capacity-of janus. --capacity-steps 10,16,20,...,56 (rooms of 1 publisher +
//               50 subscribers)
//   --slope     ours and Janus: server CPU against forwarded packets/s over several loads; the slope is
//               the marginal µs per forwarded packet. --slope-subscribers 25,50,100,150
// Options: --rounds 3, --duration 15 (measured seconds per run), --pin (server on core 1, generator on
//   core 0; implied by --capacity and --slope), --deadline <s> (default: from the plan), --json.
import { parseArgs } from 'node:util';
import { Lab } from './lab.mjs';
import { median, leastSquares } from './fit.mjs';

const { values: opt } = parseArgs({
  options: {
    server: { type: 'string' },
    loadgen: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '15' },
    json: { type: 'boolean', default: false },
    pin: { type: 'boolean', default: false },
    capacity: { type: 'boolean', default: false },
    slope: { type: 'boolean', default: false },
    // 500 .. 2,800 streams: on a 2-vCPU EPYC one core forwarded 2,000 at 76% CPU (2026-11-28).
    'capacity-steps': { type: 'string', default: '10,16,20,24,28,32,36,40,44,48,52,56' },
    'slope-subscribers': { type: 'string', default: '25,50,100,150' },
    'capacity-of': { type: 'string', default: 'jbcalling' },
    deadline: { type: 'string' },
  },
});
if (!opt.server || !opt.loadgen) fail('--server and --loadgen are required');
if (opt.capacity && opt.slope) fail('--capacity and --slope are separate runs: pick one');
const rounds = positiveInt(opt.rounds, '--rounds');
const duration = positiveInt(opt.duration, '--duration');
const WARMUP_SECONDS = 2; // jb-loadgen's default
const mode = opt.capacity ? 'capacity' : opt.slope ? 'slope' : 'compare';
const pin = opt.pin || mode !== 'compare';

// Capacity: the issue's unit is a forwarded 500-kbps video stream; a room of 1 publisher + 50
// subscribers forwards 50 of them, so the step is the number of rooms.
const ROOM_SUBSCRIBERS = 50;
const MAX_LOSS_PERCENT = 0.5;
const MAX_SERVER_CPU_PERCENT = 98;
const GENERATOR_SATURATED_PERCENT = 95;
const HALF_LOAD_P99_TARGET_US = 1000;
// Loss alone lets a saturated core pass: packets then queue in its socket buffer for 100s of ms instead
// of being dropped. A stream that late is lost to a real receiver's jitter buffer, so the capacity is also
// given with the p99 latency held under this.
const REALTIME_P99_US = 50_000;
// The half-load latency is also measured as meetings: rooms of 6, all publishing (30 streams a room).
const MEETING_SIZE = 6;
const MEETING_STREAMS_PER_ROOM = MEETING_SIZE * (MEETING_SIZE - 1);
const meetingArgs = (rooms) => ['--rooms', String(rooms), '--publishers', String(MEETING_SIZE), '--no-audio', '--video-kbps', '500'];

const levels = [
  { name: '1 room of 6, all publishing', args: ['--rooms', '1', '--publishers', '6'], peers: 6 },
  { name: '1 publisher -> 100 subscribers', args: ['--rooms', '1', '--publishers', '1', '--subscribers', '100'], peers: 101 },
  { name: '20 rooms of 4', args: ['--rooms', '20', '--publishers', '4'], peers: 80 },
];
// The reference's capacity is measured the same way: --capacity --capacity-of janus.
const capacityOf = opt['capacity-of'];
if (!['jbcalling', 'janus'].includes(capacityOf)) fail(`--capacity-of must be jbcalling or janus, got '${capacityOf}'`);
const capacitySteps = mode === 'capacity' ? intList(opt['capacity-steps'], '--capacity-steps') : [];
const slopeSubscribers = mode === 'slope' ? intList(opt['slope-subscribers'], '--slope-subscribers') : [];

// Setup is a few ms per peer (ours joins 16 at a time, Janus one by one); a run that outlives this is stuck.
const runTimeoutMs = (peers) => (60 + WARMUP_SECONDS + duration + 0.1 * peers) * 1000;
const SERVER_START_STOP_MS = 25_000;
const planned = {
  compare: levels.flatMap((l) => Array(rounds * 2).fill(l.peers)),
  capacity: [...capacitySteps.map((r) => r * (ROOM_SUBSCRIBERS + 1)), Math.max(...capacitySteps, 1) * 26,
    Math.max(...capacitySteps, 1) * 26]
    .flatMap((p) => Array(rounds).fill(p)),
  slope: slopeSubscribers.flatMap((n) => Array(rounds * 2).fill(n + 1)),
}[mode];
const deadlineMs = opt.deadline
  ? positiveInt(opt.deadline, '--deadline') * 1000
  : planned.reduce((sum, peers) => sum + runTimeoutMs(peers) + SERVER_START_STOP_MS, 30_000);

const lab = new Lab({ server: opt.server, loadgen: opt.loadgen, pin });
const abort = (why, code) => {
  console.error(`run.mjs: ${why}; cleaning up`);
  lab.cleanUp();
  process.exit(code);
};
process.on('SIGINT', () => abort('interrupted', 130));
process.on('SIGTERM', () => abort('terminated', 143));
const deadline = setTimeout(() => abort(`deadline of ${Math.round(deadlineMs / 1000)} s passed`, 124), deadlineMs);
console.error(`run.mjs: ${mode}, ${pin ? 'pinned (server core 1, generator core 0)' : 'unpinned'}, ` +
  `deadline ${Math.round(deadlineMs / 1000)} s`);

let result;
try {
  lab.setUp();
  result = await { compare, capacity, slope }[mode]();
} catch (e) {
  lab.cleanUp();
  clearTimeout(deadline);
  console.error(`run.mjs: ${e.message}`);
  process.exit(1);
}
lab.cleanUp();
clearTimeout(deadline);
const header = { mode, pinned: pin, rounds, durationSeconds: duration };
if (opt.json) console.log(JSON.stringify({ ...header, ...result }, null, 2));
else console.log({ compare: printCompare, capacity: printCapacity, slope: printSlope }[mode](result));

// One measured run on a fresh server (no state carried between runs), stopped whatever happens.
async function measure(target, args, peers) {
  const server = await lab.startServer(target);
  try {
    return await lab.runGenerator(server, ['--duration', String(duration), ...args], runTimeoutMs(peers));
  } finally {
    await lab.stopServer(server);
  }
}

async function compare() {
  const table = [];
  for (const level of levels) {
    const results = { jbcalling: [], janus: [] };
    for (let r = 0; r < rounds; r++) {
      for (const target of ['jbcalling', 'janus']) {
        const x = await measure(target, level.args, level.peers);
        results[target].push(x);
        console.error(`${level.name} round ${r + 1} ${target}: ${x.server.usPerForwardedPacket.toFixed(2)} us/pkt, ` +
          `loss ${x.lossPercent.toFixed(3)}%, p99 ${(x.latencyUs.p99 / 1000).toFixed(2)} ms, ` +
          `generator CPU ${x.generatorCpuPercent.toFixed(0)}%`);
      }
    }
    const m = (t, f) => median(results[t].map(f));
    for (const [measureName, f] of [
      ['us CPU per forwarded packet', (x) => x.server.usPerForwardedPacket],
      ['loss %', (x) => x.lossPercent],
      ['latency p50 ms', (x) => x.latencyUs.p50 / 1000],
      ['latency p99 ms', (x) => x.latencyUs.p99 / 1000],
      ['latency p99.9 ms', (x) => x.latencyUs.p999 / 1000],
      ['server RSS MiB (peak)', (x) => x.server.peakRssMiB],
      ['forwarded packets/s', (x) => x.forwardedPacketsPerSecond],
      ['generator CPU %', (x) => x.generatorCpuPercent],
      ['generator lag p99 ms', (x) => x.generatorLagUs.p99 / 1000],
    ]) table.push({ level: level.name, measure: measureName, ours: m('jbcalling', f), janus: m('janus', f) });
  }
  return { table };
}

// Medians of one load step's rounds, and whether the step passes.
function summarizeStep(rooms, runs, error, streamsPerRoom = ROOM_SUBSCRIBERS) {
  const streams = rooms * streamsPerRoom;
  const step = { rooms, streams, runs: runs.length };
  if (error) return { ...step, pass: false, reason: `run failed: ${error}` };
  const m = (f) => median(runs.map(f));
  Object.assign(step, {
    lossPercent: m((x) => x.lossPercent),
    serverCpuPercent: m((x) => x.server.cpuPercent),
    usPerForwardedPacket: m((x) => x.server.usPerForwardedPacket),
    forwardedPacketsPerSecond: m((x) => x.forwardedPacketsPerSecond),
    videoStreamsForwarded: Math.min(...runs.map((x) => x.videoStreamsForwarded)),
    generatorCpuPercent: m((x) => x.generatorCpuPercent),
    generatorLagUs: { p50: m((x) => x.generatorLagUs.p50), p99: m((x) => x.generatorLagUs.p99) },
    generatorSocketDrops: m((x) => x.generatorSocketDrops),
    latencyUs: { p50: m((x) => x.latencyUs.p50), p99: m((x) => x.latencyUs.p99), p999: m((x) => x.latencyUs.p999) },
  });
  step.generatorSaturated = step.generatorCpuPercent >= GENERATOR_SATURATED_PERCENT;
  const reasons = [];
  if (step.lossPercent >= MAX_LOSS_PERCENT) reasons.push(`loss ${step.lossPercent.toFixed(2)}% >= ${MAX_LOSS_PERCENT}%`);
  if (step.serverCpuPercent >= MAX_SERVER_CPU_PERCENT) reasons.push(`server CPU ${step.serverCpuPercent.toFixed(0)}% >= ${MAX_SERVER_CPU_PERCENT}%`);
  // A stream that never delivered a packet has no loss to count: check they all arrived.
  if (step.videoStreamsForwarded < streams) reasons.push(`only ${step.videoStreamsForwarded} of ${streams} streams delivered`);
  step.pass = reasons.length === 0;
  if (!step.pass) step.reason = reasons.join(', ');
  return step;
}

async function capacity() {
  const args = (rooms) => ['--rooms', String(rooms), '--publishers', '1', '--subscribers', String(ROOM_SUBSCRIBERS),
    '--no-audio', '--video-kbps', '500'];
  const steps = [];
  for (const rooms of capacitySteps) {
    const runs = [];
    let error;
    for (let r = 0; r < rounds && !error; r++) {
      try {
        runs.push(await measure(capacityOf, args(rooms), rooms * (ROOM_SUBSCRIBERS + 1)));
      } catch (e) { error = e.message; }
    }
    const step = summarizeStep(rooms, runs, error);
    steps.push(step);
    console.error(`capacity ${step.streams} streams: ` + (error ? step.reason :
      `loss ${step.lossPercent.toFixed(3)}%, server CPU ${step.serverCpuPercent.toFixed(0)}%, ` +
      `generator CPU ${step.generatorCpuPercent.toFixed(0)}% (lag p99 ${(step.generatorLagUs.p99 / 1000).toFixed(2)} ms), ` +
      `${step.pass ? 'pass' : `FAIL: ${step.reason}`}`));
    if (!step.pass) break;
  }
  const passing = steps.filter((s) => s.pass);
  const best = passing.at(-1);
  const stopper = steps.find((s) => !s.pass);
  const result = { server: capacityOf, steps, capacityStreams: best?.streams ?? 0, target: { streamsPerCore: 1500, maxLossPercent: MAX_LOSS_PERCENT } };
  const realtime = [];
  for (const s of steps) {
    if (!s.pass || s.latencyUs.p99 >= REALTIME_P99_US) break;
    realtime.push(s);
  }
  result.capacityStreamsRealtime = realtime.at(-1)?.streams ?? 0;
  // The figure is only the server's limit when the generator kept up at the step that failed.
  if (!stopper) result.lowerBound = 'every step passed: the capacity is at least the largest step';
  else if (stopper.generatorSaturated) result.lowerBound = `the generator was saturated (CPU ${stopper.generatorCpuPercent.toFixed(0)}%) at the failing step: its own limit may be what failed`;
  else if (stopper.reason?.startsWith('run failed')) result.lowerBound = 'the failing step did not complete';
  if (!best) return result;

  const halfRooms = Math.max(1, Math.round(best.rooms / 2));
  const halfRuns = [];
  for (let r = 0; r < rounds; r++) halfRuns.push(await measure(capacityOf, args(halfRooms), halfRooms * (ROOM_SUBSCRIBERS + 1)));
  result.halfLoad = summarizeStep(halfRooms, halfRuns);
  result.halfLoad.latencyP99MeetsTarget = result.halfLoad.latencyUs.p99 < HALF_LOAD_P99_TARGET_US;
  console.error(`half load ${result.halfLoad.streams} streams: latency p99 ${(result.halfLoad.latencyUs.p99 / 1000).toFixed(3)} ms`);

  // The same number of streams as meetings (rooms of 6, everyone publishing): each packet fans out to 5
  // instead of 50, so a packet waits behind far less of its own fan-out and of other rooms' bursts. The
  // SFU's added latency depends on that shape as much as on the load.
  const meetingRooms = Math.max(1, Math.round(result.halfLoad.streams / MEETING_STREAMS_PER_ROOM));
  const meetingRuns = [];
  for (let r = 0; r < rounds; r++)
    meetingRuns.push(await measure(capacityOf, meetingArgs(meetingRooms), meetingRooms * MEETING_SIZE));
  result.halfLoadMeetings = summarizeStep(meetingRooms, meetingRuns, undefined, MEETING_STREAMS_PER_ROOM);
  result.halfLoadMeetings.latencyP99MeetsTarget = result.halfLoadMeetings.latencyUs.p99 < HALF_LOAD_P99_TARGET_US;
  console.error(`half load as meetings, ${result.halfLoadMeetings.streams} streams: latency p99 ` +
    `${(result.halfLoadMeetings.latencyUs.p99 / 1000).toFixed(3)} ms`);
  return result;
}

async function slope() {
  const points = { jbcalling: [], janus: [] };
  const runs = [];
  for (const subscribers of slopeSubscribers) {
    for (let r = 0; r < rounds; r++) {
      for (const target of ['jbcalling', 'janus']) {
        const x = await measure(target, ['--rooms', '1', '--publishers', '1', '--subscribers', String(subscribers)], subscribers + 1);
        const cpuSecondsPerSecond = x.server.cpuSeconds / duration;
        points[target].push({ x: x.forwardedPacketsPerSecond, y: cpuSecondsPerSecond });
        runs.push({ target, subscribers, round: r + 1, forwardedPacketsPerSecond: x.forwardedPacketsPerSecond,
          serverCpuSecondsPerSecond: cpuSecondsPerSecond, usPerForwardedPacket: x.server.usPerForwardedPacket,
          lossPercent: x.lossPercent, generatorCpuPercent: x.generatorCpuPercent });
        console.error(`slope ${subscribers} subscribers round ${r + 1} ${target}: ${x.forwardedPacketsPerSecond.toFixed(0)} pkt/s, ` +
          `server ${(100 * cpuSecondsPerSecond).toFixed(1)}% CPU, loss ${x.lossPercent.toFixed(3)}%`);
      }
    }
  }
  const fit = (t) => {
    const f = leastSquares(points[t]);
    // Slope in CPU-seconds per packet -> µs per forwarded packet; intercept -> % of a core at zero load.
    return { usPerForwardedPacket: f.slope * 1e6, interceptCpuPercent: f.intercept * 100, r2: f.r2, points: f.n };
  };
  const fits = { jbcalling: fit('jbcalling'), janus: fit('janus') };
  return { fits, ratio: fits.jbcalling.usPerForwardedPacket / fits.janus.usPerForwardedPacket, runs };
}

function printCompare({ table }) {
  const lines = [`SFU benchmark: jb-loadgen, ${duration} s per run, median of ${rounds} alternating rounds per server` +
    (pin ? ', pinned (server core 1, generator core 0)' : ''),
  `${'level'.padEnd(34)}${'measure'.padEnd(30)}${'ours'.padStart(10)}${'janus'.padStart(10)}${'ours/janus'.padStart(12)}`];
  for (const r of table)
    lines.push(`${r.level.padEnd(34)}${r.measure.padEnd(30)}${r.ours.toFixed(2).padStart(10)}${r.janus.toFixed(2).padStart(10)}` +
      `${(r.janus ? (r.ours / r.janus).toFixed(2) : '-').padStart(12)}`);
  return lines.join('\n');
}

function printCapacity(r) {
  const ms = (us) => (us / 1000).toFixed(2);
  const lines = [`SFU capacity: ${capacityOf === 'janus' ? 'Janus' : 'ours (--workers 1)'}, server pinned to core 1, generator on core 0; video only, 500 kbps;`,
    `rooms of 1 publisher + ${ROOM_SUBSCRIBERS} subscribers; median of ${rounds} x ${duration} s per step`,
    `${'streams'.padStart(8)}${'loss %'.padStart(9)}${'srv CPU%'.padStart(10)}${'us/pkt'.padStart(8)}${'pkt/s'.padStart(9)}` +
    `${'gen CPU%'.padStart(10)}${'gen lag p99 ms'.padStart(16)}${'lat p50/p99/p99.9 ms'.padStart(24)}  result`];
  const row = (s) => s.lossPercent === undefined ? `${String(s.streams).padStart(8)}  ${s.reason}` :
    `${String(s.streams).padStart(8)}${s.lossPercent.toFixed(3).padStart(9)}${s.serverCpuPercent.toFixed(1).padStart(10)}` +
    `${s.usPerForwardedPacket.toFixed(2).padStart(8)}${s.forwardedPacketsPerSecond.toFixed(0).padStart(9)}` +
    `${s.generatorCpuPercent.toFixed(1).padStart(10)}${ms(s.generatorLagUs.p99).padStart(16)}` +
    `${`${ms(s.latencyUs.p50)} / ${ms(s.latencyUs.p99)} / ${ms(s.latencyUs.p999)}`.padStart(24)}  ` +
    `${s.pass ? 'pass' : `FAIL (${s.reason})`}${s.generatorSaturated ? ' generator-saturated' : ''}`;
  for (const s of r.steps) lines.push(row(s));
  lines.push(`capacity: ${r.capacityStreams} forwarded 500-kbps video streams on one core at < ${MAX_LOSS_PERCENT}% loss` +
    (r.lowerBound ? ` (a lower bound: ${r.lowerBound})` : '') + ` (target >= ${r.target.streamsPerCore})`);
  lines.push(`capacity with latency p99 also < ${REALTIME_P99_US / 1000} ms at every step up to it: ${r.capacityStreamsRealtime} streams`);
  if (r.halfLoad) {
    lines.push(`half load (${r.halfLoad.streams} streams):`);
    lines.push(row(r.halfLoad));
    lines.push(`latency added by the SFU at half load, p99 ${ms(r.halfLoad.latencyUs.p99)} ms: ` +
      `${r.halfLoad.latencyP99MeetsTarget ? 'meets' : 'misses'} the < 1 ms target`);
  }
  if (r.halfLoadMeetings) {
    lines.push(`half load as meetings (${r.halfLoadMeetings.rooms} rooms of ${MEETING_SIZE}, all publishing, ${r.halfLoadMeetings.streams} streams):`);
    lines.push(row(r.halfLoadMeetings));
    lines.push(`latency added by the SFU at half load in meetings, p99 ${ms(r.halfLoadMeetings.latencyUs.p99)} ms: ` +
      `${r.halfLoadMeetings.latencyP99MeetsTarget ? 'meets' : 'misses'} the < 1 ms target`);
  }
  return lines.join('\n');
}

function printSlope(r) {
  const lines = [`SFU marginal CPU per forwarded packet: least squares of server CPU-s/s against forwarded packets/s`,
    `1 room, 1 publisher (video 500 kbps + audio), subscribers ${slopeSubscribers.join(', ')}; ${rounds} round(s) x ${duration} s; ` +
    `server pinned to core 1, generator to core 0`,
    `${'server'.padEnd(12)}${'us/pkt (slope)'.padStart(16)}${'intercept % core'.padStart(18)}${'R²'.padStart(8)}${'points'.padStart(8)}`];
  for (const [name, t] of [['ours', 'jbcalling'], ['janus', 'janus']]) {
    const f = r.fits[t];
    lines.push(`${name.padEnd(12)}${f.usPerForwardedPacket.toFixed(2).padStart(16)}${f.interceptCpuPercent.toFixed(2).padStart(18)}` +
      `${f.r2.toFixed(3).padStart(8)}${String(f.points).padStart(8)}`);
  }
  lines.push(`ours/janus (marginal): ${r.ratio.toFixed(2)}`);
  lines.push('runs:');
  for (const x of r.runs)
    lines.push(`  ${x.target.padEnd(10)}${String(x.subscribers).padStart(5)} subs  ${x.forwardedPacketsPerSecond.toFixed(0).padStart(7)} pkt/s  ` +
      `${(100 * x.serverCpuSecondsPerSecond).toFixed(1).padStart(5)}% CPU  loss ${x.lossPercent.toFixed(3)}%  gen CPU ${x.generatorCpuPercent.toFixed(0)}%`);
  return lines.join('\n');
}

function positiveInt(s, name) {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) fail(`${name} must be a positive integer, got '${s}'`);
  return n;
}

function intList(s, name) {
  return s.split(',').map((x) => positiveInt(x.trim(), name));
}

function fail(message) {
  console.error(`run.mjs: ${message}`);
  process.exit(2);
}
