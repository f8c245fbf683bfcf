// The SFU benchmark's test bed: a network namespace of its own, the server under test (ours or Janus)
// and jb-loadgen inside it, optionally pinned to one core each. Everything it starts is tracked, so
// cleanUp() (on success, error, Ctrl-C or the deadline) leaves no process and no namespace behind.
import { spawn, execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const execFileAsync = promisify(execFile);

// With --pin, "per core" is literal: the server gets core 1 and the generator core 0, so neither
// steals the other's cycles and the server's CPU % is a share of exactly one core.
const SERVER_CORE = '1';
const GENERATOR_CORE = '0';

export class Lab {
  constructor({ server, loadgen, pin }) {
    this.server = server;
    this.loadgen = loadgen;
    this.pin = pin;
    this.ns = `jbsfu${process.pid}`;
    this.ip = '10.250.0.1';
    this.children = new Set();
    this.tempDirs = [];
    this.namespaceCreated = false;
  }

  // A veth pair gives the namespace a non-loopback address, which is what Janus insists on announcing;
  // ours uses the same address so both servers see identical paths.
  setUp() {
    const sh = (...cmd) => execFileSyncChecked(cmd);
    sh('ip', 'netns', 'add', this.ns);
    this.namespaceCreated = true;
    sh(...this.inNs('ip', 'link', 'set', 'lo', 'up'));
    sh(...this.inNs('ip', 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb'));
    sh(...this.inNs('ip', 'addr', 'add', `${this.ip}/24`, 'dev', 'va'));
    sh(...this.inNs('ip', 'link', 'set', 'va', 'up'));
    sh(...this.inNs('ip', 'link', 'set', 'vb', 'up'));
  }

  inNs(...cmd) {
    return ['ip', 'netns', 'exec', this.ns, ...cmd];
  }

  pinned(core, cmd) {
    return this.pin ? ['taskset', '-c', core, ...cmd] : cmd;
  }

  // taskset and `ip netns exec` both exec, so the child's PID is the server's own (for /proc CPU).
  spawnTracked(cmd) {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async startServer(target) {
    let cmd, port, probe, dir;
    if (target === 'jbcalling') {
      port = '8080';
      probe = `http://${this.ip}:${port}/health`;
      // No per-IP or per-room caps (every simulated peer comes from one address), no ICE-TCP candidate
      // (the generator speaks UDP), no translation (an SFU benchmark; Janus has none either).
      cmd = this.inNs(this.server, 'serve', '--listen', this.ip, '--announced-ip', this.ip, '--port', port,
        '--rtc-port', '40000', '--workers', this.pin ? '1' : '2', '--max-sessions-per-ip', '0',
        '--max-peers-per-room', '0', '--no-ice-tcp', '--no-translation', '--web-root', '/nonexistent',
        '--log-level', 'warn');
    } else {
      dir = mkdtempSync(path.join(tmpdir(), 'jb-janus-'));
      this.tempDirs.push(dir);
      execFileSyncChecked([path.join(here, 'janus-config.sh'), dir, this.ip]);
      port = '8088';
      probe = `http://${this.ip}:${port}/janus/info`;
      cmd = this.inNs('janus', '-F', dir, '-C', `${dir}/janus.jcfg`, '-r', '20000-29999');
    }
    const child = this.spawnTracked(this.pinned(SERVER_CORE, cmd));
    let stderr = '';
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-2000); });
    child.stdout.resume();
    for (let i = 0; i < 150; i++) {
      if (child.exitCode !== null || child.signalCode) throw new Error(`${target} exited at start: ${stderr}`);
      try {
        await execFileAsync('ip', this.inNs('curl', '-sf', '-m', '1', probe).slice(1));
        return { target, child, port, dir };
      } catch { await sleep(100); }
    }
    await this.stopServer({ child, dir });
    throw new Error(`${target} did not answer ${probe} within 15 s`);
  }

  async stopServer({ child, dir }) {
    await stopChild(child);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  // One jb-loadgen run against a started server; its JSON report. Killed after `timeoutMs`.
  async runGenerator(server, args, timeoutMs) {
    // The generator's own deadline fires first (exit 4 with its reason); the kill below is the backstop.
    const ownDeadline = Math.max(5, Math.floor(timeoutMs / 1000) - 10);
    const cmd = this.pinned(GENERATOR_CORE, this.inNs(this.loadgen, '--target', server.target, '--host', this.ip,
      '--port', server.port, '--bind', this.ip, '--server-pid', String(server.child.pid), '--json',
      '--deadline', String(ownDeadline), ...args));
    const child = this.spawnTracked(cmd);
    let out = '', err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err = (err + d).slice(-2000); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    const [code, signal] = await new Promise((resolve) => child.once('exit', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    if (signal === 'SIGKILL') throw new Error(`jb-loadgen ${args.join(' ')} timed out after ${timeoutMs / 1000} s`);
    if (code !== 0) throw new Error(`jb-loadgen ${args.join(' ')} exited ${code ?? signal}: ${err.trim()}`);
    return JSON.parse(out);
  }

  // Synchronous, so it also works from an exit or signal handler.
  cleanUp() {
    for (const child of this.children) {
      try { child.kill('SIGKILL'); } catch { /* already gone */ }
    }
    this.children.clear();
    if (this.namespaceCreated) {
      // Anything still inside our namespace was started by us (e.g. a server whose wrapper died).
      const pids = spawnSync('ip', ['netns', 'pids', this.ns]).stdout?.toString().split(/\s+/).filter(Boolean) ?? [];
      for (const pid of pids) {
        try { process.kill(Number(pid), 'SIGKILL'); } catch { /* already gone */ }
      }
      spawnSync('ip', ['netns', 'del', this.ns]);
      this.namespaceCreated = false;
    }
    for (const dir of this.tempDirs) rmSync(dir, { recursive: true, force: true });
    this.tempDirs = [];
  }
}

function execFileSyncChecked(cmd) {
  const r = spawnSync(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr?.toString().trim()}`);
  return r.stdout.toString();
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
