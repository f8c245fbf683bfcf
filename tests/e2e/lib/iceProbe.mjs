// Page probes for the ICE tests (icetcp, icerestart): every RTCPeerConnection the page makes, with
// the selected candidate pair of each (protocol, type, ports), and every signaling notification the
// page received. Installed before the app loads (addInitScript), so nothing in the app changes.

function probe() {
  const pcs = [];
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  };
  const notifications = [];
  const NativeWs = window.WebSocket;
  window.WebSocket = class extends NativeWs {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        try {
          const m = JSON.parse(ev.data);
          if (m.notification) notifications.push({ method: m.method, data: m.data, at: Date.now() });
        } catch {
          // Not JSON: not ours to judge here.
        }
      });
    }
  };
  window.__iceProbe = {
    notifications: () => notifications.slice(),
    async pairs() {
      const out = [];
      for (const pc of pcs) {
        if (pc.connectionState === 'closed') continue;
        const rows = new Map();
        (await pc.getStats()).forEach((s) => rows.set(s.id, s));
        let pair;
        for (const s of rows.values()) {
          if (s.type === 'transport' && s.selectedCandidatePairId) pair = rows.get(s.selectedCandidatePairId);
        }
        const local = pair ? rows.get(pair.localCandidateId) : undefined;
        const remote = pair ? rows.get(pair.remoteCandidateId) : undefined;
        const all = [...rows.values()];
        out.push({
          state: pc.connectionState,
          localProtocol: local?.protocol,
          localTcpType: local?.tcpType,
          remoteProtocol: remote?.protocol,
          remotePort: remote?.port,
          remoteCandidateProtocols: all.filter((s) => s.type === 'remote-candidate').map((s) => s.protocol),
          succeededUdpPairs: all.filter(
            (s) => s.type === 'candidate-pair' && s.state === 'succeeded' && rows.get(s.localCandidateId)?.protocol === 'udp',
          ).length,
          bytesReceived: pair?.bytesReceived ?? 0,
          bytesSent: pair?.bytesSent ?? 0,
        });
      }
      return out;
    },
  };
}

/** Call before the page navigates to the app. */
export function installIceProbe(page) {
  return page.addInitScript(probe);
}

/** The selected candidate pair of each open RTCPeerConnection of the page. */
export function selectedPairs(page) {
  return page.evaluate(() => window.__iceProbe.pairs());
}

/** Every signaling notification the page received, in order: [{ method, data, at }]. */
export function notifications(page) {
  return page.evaluate(() => window.__iceProbe.notifications());
}
