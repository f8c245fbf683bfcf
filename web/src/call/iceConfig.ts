// ICE settings of the media transports that do not come from the server's join response:
// `?ice=relay` in the page address forces every transport through TURN (to check a relay
// works), and the browser tests may replace the join response's ICE servers (e.g. with an
// expired TURN credential) before joining.

/** The page parameter: `?ice=relay` sets `iceTransportPolicy: 'relay'`. */
export const ICE_POLICY_PARAM = 'ice';

export function iceTransportPolicyFrom(search: string): RTCIceTransportPolicy | undefined {
  return new URLSearchParams(search).get(ICE_POLICY_PARAM) === 'relay' ? 'relay' : undefined;
}

let override: RTCIceServer[] | undefined;

/**
 * Test hook: ICE servers to use instead of those of the next join responses on this page;
 * undefined goes back to the server's. It changes only what this page's own code uses, as
 * the browser's developer tools could.
 */
export function overrideIceServers(servers: RTCIceServer[] | undefined): void {
  override = servers === undefined ? undefined : structuredClone(servers);
}

/** The ICE servers for a link: the join response's, unless a test replaced them. */
export function resolveIceServers(fromJoin: RTCIceServer[]): RTCIceServer[] {
  return override !== undefined ? structuredClone(override) : fromJoin;
}

/** True when one of the servers is a TURN relay (turn: or turns: URL). */
export function hasRelayServer(servers: readonly RTCIceServer[]): boolean {
  return servers.some((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/i.test(u)));
}
