import { afterEach, describe, expect, it, vi } from 'vitest';
import { FirstConnectWatch, mediaConnectFailureMessage } from './mediaConnect';
import { hasRelayServer, iceTransportPolicyFrom, overrideIceServers, resolveIceServers } from './iceConfig';

const TURN: RTCIceServer = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: '1:x', credential: 'c' };

describe('FirstConnectWatch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('tells a failure before the first connection from one after it', () => {
    const w = new FirstConnectWatch(1000, () => {});
    expect(w.observe('send', 'connecting')).toBe('other');
    expect(w.observe('send', 'failed')).toBe('failedBeforeConnecting');
    expect(w.observe('recv', 'connected')).toBe('connected');
    expect(w.observe('recv', 'disconnected')).toBe('other');
    expect(w.observe('recv', 'failed')).toBe('failedAfterConnecting');
    expect(w.everConnected('recv')).toBe(true);
    expect(w.everConnected('send')).toBe(false);
  });

  it('reports a transport that does not connect within the deadline, once', () => {
    vi.useFakeTimers();
    const late: string[] = [];
    const w = new FirstConnectWatch(1000, (d) => late.push(d));
    w.started('send');
    w.started('send');
    w.started('recv');
    vi.advanceTimersByTime(500);
    w.observe('recv', 'connected');
    vi.advanceTimersByTime(600);
    expect(late).toEqual(['send']);
    vi.advanceTimersByTime(5000);
    expect(late).toEqual(['send']);
  });

  it('starts no deadline for a transport already connected, and none after close', () => {
    vi.useFakeTimers();
    const late: string[] = [];
    const w = new FirstConnectWatch(1000, (d) => late.push(d));
    w.observe('send', 'connected');
    w.started('send');
    w.started('recv');
    w.close();
    w.started('recv');
    vi.advanceTimersByTime(5000);
    expect(late).toEqual([]);
  });
});

describe('mediaConnectFailureMessage', () => {
  it('names the relay when relay-only ICE cannot connect', () => {
    const m = mediaConnectFailureMessage({ iceServers: [TURN], iceTransportPolicy: 'relay' });
    expect(m).toMatch(/could not connect through the relay/i);
    expect(m).toMatch(/credential may be wrong or expired/);
  });

  it('says so when relay-only is asked for but the server gave no TURN server', () => {
    expect(mediaConnectFailureMessage({ iceServers: [], iceTransportPolicy: 'relay' })).toMatch(/offers no relay/);
  });

  it('without relay-only: directly or through the relay, else directly', () => {
    expect(mediaConnectFailureMessage({ iceServers: [TURN] })).toMatch(/neither directly nor through the relay/);
    expect(mediaConnectFailureMessage({ iceServers: [{ urls: 'stun:127.0.0.1' }] })).toMatch(/firewall/);
  });
});

describe('iceConfig', () => {
  afterEach(() => overrideIceServers(undefined));

  it('reads ?ice=relay from the page address and nothing else', () => {
    expect(iceTransportPolicyFrom('?ice=relay')).toBe('relay');
    expect(iceTransportPolicyFrom('?token=x&ice=relay')).toBe('relay');
    expect(iceTransportPolicyFrom('?ice=all')).toBeUndefined();
    expect(iceTransportPolicyFrom('')).toBeUndefined();
  });

  it('uses the join response\'s servers unless a test replaced them', () => {
    const fromJoin = [TURN];
    expect(resolveIceServers(fromJoin)).toBe(fromJoin);
    const expired = [{ ...TURN, username: '1000:x' }];
    overrideIceServers(expired);
    expired[0]!.username = 'changed later';
    expect(resolveIceServers(fromJoin)).toEqual([{ ...TURN, username: '1000:x' }]);
    overrideIceServers(undefined);
    expect(resolveIceServers(fromJoin)).toBe(fromJoin);
  });

  it('recognises TURN servers among ICE servers', () => {
    expect(hasRelayServer([TURN])).toBe(true);
    expect(hasRelayServer([{ urls: 'turns:example.com:443?transport=tcp' }])).toBe(true);
    expect(hasRelayServer([{ urls: ['stun:example.com'] }])).toBe(false);
  });
});
