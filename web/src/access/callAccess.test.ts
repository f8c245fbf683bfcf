// CallSession with join credentials against the fake server: what join carries, what a
// limited token stops the client from doing, and how an access refusal ends up in the state.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallSession } from '../call/CallSession';
import { FakeSfu } from '../test/FakeSfu';
import { bob, makeSession } from '../test/sessionHarness';
import { accessProblemOf } from './roomAccess';

function b64url(text: string): string {
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function tokenWith(permissions: { publish: boolean; subscribe: boolean; chat: boolean }): string {
  return `${b64url('{"alg":"HS256"}')}.${b64url(JSON.stringify({ room: 'room', sub: 'u', exp: 2e9, permissions }))}.sig`;
}

function refuse(code: string) {
  return () => {
    throw Object.assign(new Error(code.replace('_', ' ')), { code });
  };
}

describe('CallSession access', () => {
  let session: CallSession | undefined;
  afterEach(async () => {
    await session?.leave();
    session = undefined;
  });

  it('sends token and passcode with join', async () => {
    const sfu = new FakeSfu();
    const made = makeSession(sfu);
    session = made.session;
    const token = tokenWith({ publish: true, subscribe: true, chat: true });
    await session.join('room', 'Ann', { token, passcode: 'pw' });
    const join = sfu.log.find((r) => r.method === 'join')!.data;
    expect(join.token).toBe(token);
    expect(join.passcode).toBe('pw');
    expect(session.state.phase).toBe('joined');
  });

  it('sends neither field in an open room', async () => {
    const sfu = new FakeSfu();
    session = makeSession(sfu).session;
    await session.join('room', 'Ann');
    const join = sfu.log.find((r) => r.method === 'join')!.data;
    expect('token' in join).toBe(false);
    expect('passcode' in join).toBe(false);
    expect(session.permissions).toEqual({ publish: true, subscribe: true, chat: true });
  });

  it('with a subscribe-only token: no camera/mic prompt, no produce, but consumes', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob)];
    const perms = { publish: false, subscribe: true, chat: false };
    sfu.overrides.set('join', (data) => ({
      peerId: 'self-peer',
      roomId: data.roomId,
      displayName: 'Viewer',
      permissions: perms,
      peers: structuredClone([bob]),
      iceServers: [],
    }));
    bob.producers.forEach((p) => sfu.knowProducer(p));
    const made = makeSession(sfu);
    session = made.session;
    await session.join('room', 'Ann', { token: tokenWith(perms) });
    expect(made.getUserMedia).not.toHaveBeenCalled();
    expect(sfu.methods()).not.toContain('produce');
    expect(sfu.log.filter((r) => r.method === 'consume').map((r) => r.data.producerId).sort()).toEqual(['bob-cam', 'bob-mic']);
    expect(session.permissions).toEqual(perms);
  });

  it('follows the permissions in the join response over the token hints', async () => {
    const sfu = new FakeSfu();
    sfu.existingPeers = [structuredClone(bob)];
    bob.producers.forEach((p) => sfu.knowProducer(p));
    sfu.overrides.set('join', (data) => ({
      peerId: 'self-peer',
      roomId: data.roomId,
      permissions: { publish: true, subscribe: false, chat: true },
      peers: structuredClone([bob]),
      iceServers: [],
    }));
    const made = makeSession(sfu);
    session = made.session;
    await session.join('room', 'Ann', { token: 'not-a-jwt' });
    expect(sfu.methods()).not.toContain('consume');
    expect(sfu.methods()).toContain('produce');
  });

  for (const code of ['passcode_required', 'bad_passcode', 'token_required', 'token_expired', 'token_invalid']) {
    it(`a join refused with ${code} ends the call with that access problem, without retrying`, async () => {
      const sfu = new FakeSfu();
      sfu.overrides.set('join', refuse(code));
      session = makeSession(sfu).session;
      await session.join('room', 'Ann', { passcode: 'guess' });
      expect(session.state.phase).toBe('failed');
      expect(accessProblemOf(session.state.errors)?.code).toBe(code);
      await new Promise((r) => setTimeout(r, 50));
      expect(sfu.methods().filter((m) => m === 'join')).toHaveLength(1);
    });
  }
});
