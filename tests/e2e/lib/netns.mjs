// Three network namespaces of the test's own, in a line, for tests that need a real network
// between the browser and the server (tests/e2e/loss.e2e.mjs):
//
//   <id>-srv  eth0 10.61.1.2 ──veth── vs 10.61.1.1  <id>-mid  10.61.2.1 vc ──veth── eth0 10.61.2.2  <id>-cli
//
// mid forwards IP between the two (so TCP, e.g. HTTP and the WebSocket, is routed through it)
// and holds an nftables table `jbloss` whose input chain is where loss rules go. Nothing is
// added to the namespace the test runs in, so no traffic can leave these three. Needs root.
import { execFileSync } from 'node:child_process';

export const ADDR = {
  server: '10.61.1.2',
  midServerSide: '10.61.1.1',
  midClientSide: '10.61.2.1',
  client: '10.61.2.2',
};

function run(cmd, args, input) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], input });
}

export class LineTopology {
  /** `id` must be unique per run (e.g. "jbloss<pid>"); namespace names are <id>-srv/-mid/-cli. */
  constructor(id) {
    this.srv = `${id}-srv`;
    this.mid = `${id}-mid`;
    this.cli = `${id}-cli`;
    this.created = [];
  }

  ip(ns, ...args) {
    return run('ip', ['-n', ns, ...args]);
  }

  exec(ns, cmd, args, input) {
    return run('ip', ['netns', 'exec', ns, cmd, ...args], input);
  }

  create() {
    for (const ns of [this.srv, this.mid, this.cli]) {
      run('ip', ['netns', 'add', ns]);
      this.created.push(ns);
      this.ip(ns, 'link', 'set', 'lo', 'up');
    }
    // Both veth pairs are made in mid, each with one end moved into its neighbour.
    this.ip(this.mid, 'link', 'add', 'vs', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.srv);
    this.ip(this.mid, 'link', 'add', 'vc', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.cli);
    this.ip(this.mid, 'addr', 'add', `${ADDR.midServerSide}/24`, 'dev', 'vs');
    this.ip(this.mid, 'addr', 'add', `${ADDR.midClientSide}/24`, 'dev', 'vc');
    this.ip(this.mid, 'link', 'set', 'vs', 'up');
    this.ip(this.mid, 'link', 'set', 'vc', 'up');
    for (const [ns, addr, gw] of [
      [this.srv, ADDR.server, ADDR.midServerSide],
      [this.cli, ADDR.client, ADDR.midClientSide],
    ]) {
      this.ip(ns, 'addr', 'add', `${addr}/24`, 'dev', 'eth0');
      this.ip(ns, 'link', 'set', 'eth0', 'up');
      this.ip(ns, 'route', 'add', 'default', 'via', gw);
    }
    this.exec(this.mid, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    this.exec(this.mid, 'nft', ['-f', '-'], 'table inet jbloss {\n  chain input {\n    type filter hook input priority 0; policy accept;\n  }\n}\n');
  }

  /**
   * Drops `percent`% of the UDP datagrams mid receives from each side, chosen at random by
   * the kernel (nft numgen), each one independently: what `netem loss <percent>%` does.
   */
  setUdpLoss(percent) {
    this.exec(this.mid, 'nft', ['flush', 'chain', 'inet', 'jbloss', 'input']);
    if (percent <= 0) return;
    for (const dev of ['vc', 'vs']) {
      this.exec(this.mid, 'nft', [
        'add', 'rule', 'inet', 'jbloss', 'input', 'iifname', dev, 'meta', 'l4proto', 'udp',
        'numgen', 'random', 'mod', '100', '<', String(percent), 'counter', 'drop',
      ]);
    }
  }

  /** Datagrams the loss rules dropped so far, per side: { fromClient, fromServer }. */
  udpDrops() {
    const out = { fromClient: 0, fromServer: 0 };
    const text = this.exec(this.mid, 'nft', ['list', 'chain', 'inet', 'jbloss', 'input']);
    for (const m of text.matchAll(/iifname "(vc|vs)".*counter packets (\d+)/g)) {
      out[m[1] === 'vc' ? 'fromClient' : 'fromServer'] += Number(m[2]);
    }
    return out;
  }

  /** Kills whatever still runs in our namespaces (only what this test started), then deletes them. */
  destroy() {
    destroyNamespaces(this.created.reverse());
    this.created = [];
  }
}

/** SIGKILLs the processes inside each namespace (`ip netns pids`), then deletes it. */
export function destroyNamespaces(names) {
  for (const ns of names) {
    let pids = [];
    try {
      pids = run('ip', ['netns', 'pids', ns]).split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // Already gone.
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Exited meanwhile.
      }
    }
  }
  for (const ns of names) {
    try {
      run('ip', ['netns', 'del', ns]);
    } catch {
      // Already gone.
    }
  }
}

/** Namespaces from an earlier run of this test that died without cleaning up (by prefix). */
export function leftoverNamespaces(prefix) {
  try {
    return run('ip', ['netns', 'list'])
      .split('\n')
      .map((l) => l.split(' ')[0])
      .filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
}
