#!/usr/bin/env node
// A userspace UDP delay line for the loss test (tests/e2e/loss.e2e.mjs), run inside the
// test's middle namespace because this kernel has no sch_netem to add delay with.
//
//   node udpDelayRelay.mjs --listen 10.61.2.1 --ports 40000,40001 \
//        --bind-upstream 10.61.1.1 --upstream 10.61.1.2 --delay-ms 40
//
// For every port it listens on <listen>:<port> (the address the SFU announces) and forwards
// each datagram to <upstream>:<port> (where the SFU really listens) after --delay-ms, through a
// socket of its own per client address (like a NAT), and the answers back the same way after
// the same delay. Every datagram waits exactly the delay and leaves in arrival order (one FIFO:
// the same delay for all means the queue is sorted by due time), so nothing is reordered. It
// drops nothing: the loss comes from nftables in the kernel, before the relay reads a packet.
//
// Prints one JSON line {"ready":true} once every socket is bound; on a "stats" line on stdin it
// prints {"stats":{...}} (datagrams each way, late sends, mappings).
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i += 2) o[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const k of ['listen', 'ports', 'bind-upstream', 'upstream', 'delay-ms']) {
    if (o[k] === undefined) {
      console.error(`udpDelayRelay: missing --${k}`);
      process.exit(2);
    }
  }
  return {
    listen: o.listen,
    ports: o.ports.split(',').map(Number),
    bindUpstream: o['bind-upstream'],
    upstream: o.upstream,
    delayMs: Number(o['delay-ms']),
  };
}

const opts = parseArgs(process.argv.slice(2));
const stats = { toServer: 0, toClient: 0, mappings: 0, maxLateMs: 0, lateOver5Ms: 0 };

// ---- The delay line ----------------------------------------------------------------------
const queue = [];
let head = 0;
let timer;

function later(send) {
  queue.push({ due: performance.now() + opts.delayMs, send });
  if (!timer) timer = setTimeout(flush, opts.delayMs);
}

function flush() {
  timer = undefined;
  const now = performance.now();
  while (head < queue.length && queue[head].due <= now + 0.5) {
    const { due, send } = queue[head++];
    const late = now - due;
    if (late > stats.maxLateMs) stats.maxLateMs = late;
    if (late > 5) stats.lateOver5Ms++;
    send();
  }
  if (head > 1024 && head * 2 > queue.length) {
    queue.splice(0, head);
    head = 0;
  }
  if (head < queue.length) timer = setTimeout(flush, Math.max(0, queue[head].due - now));
}

// ---- Sockets -----------------------------------------------------------------------------
function bind(socket, port, address) {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

async function relayPort(port) {
  const front = dgram.createSocket('udp4');
  front.on('error', (e) => console.error(`udpDelayRelay: ${port}: ${e.message}`));
  await bind(front, port, opts.listen);
  const backs = new Map();
  front.on('message', (msg, client) => {
    const key = `${client.address}:${client.port}`;
    let back = backs.get(key);
    if (!back) {
      back = dgram.createSocket('udp4');
      back.on('error', (e) => console.error(`udpDelayRelay: upstream ${key}: ${e.message}`));
      back.bind(0, opts.bindUpstream);
      back.on('message', (reply) => {
        later(() => {
          stats.toClient++;
          front.send(reply, client.port, client.address);
        });
      });
      backs.set(key, back);
      stats.mappings++;
    }
    later(() => {
      stats.toServer++;
      back.send(msg, port, opts.upstream);
    });
  });
}

await Promise.all(opts.ports.map(relayPort));
console.log(JSON.stringify({ ready: true, ...opts }));

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stats') console.log(JSON.stringify({ stats }));
});
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
