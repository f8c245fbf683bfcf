import { describe, expect, it } from 'vitest';
import {
  accessProblemFor,
  accessProblemOf,
  checkPasscode,
  readTokenHints,
  rememberCreatorPasscode,
  takeCreatorPasscode,
  takeRoomToken,
  type TokenStore,
} from './roomAccess';

function b64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A token shaped like `jbcalling token` output; the signature is not checked on the client. */
function token(payload: object): string {
  return `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
}

class MemoryStore implements TokenStore {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

describe('readTokenHints', () => {
  it('reads room, name, expiry and permissions from the payload', () => {
    const t = token({ room: 'r1', sub: 'u', name: 'Zoë Ünal', exp: 1_800_000_000, permissions: { publish: false, subscribe: true } });
    expect(readTokenHints(t)).toEqual({
      roomId: 'r1',
      displayName: 'Zoë Ünal',
      expiresAt: 1_800_000_000_000,
      permissions: { publish: false, subscribe: true, chat: false },
    });
  });

  it('returns undefined for anything that is not a JWT with a JSON object payload', () => {
    expect(readTokenHints('')).toBeUndefined();
    expect(readTokenHints('a.b')).toBeUndefined();
    expect(readTokenHints('a.!!!.c')).toBeUndefined();
    expect(readTokenHints(`x.${b64url('not json')}.y`)).toBeUndefined();
    expect(readTokenHints(`x.${b64url('[1,2]')}.y`)).toBeUndefined();
    expect(readTokenHints(`x.${b64url('{"name":42}')}.y`)).toEqual({});
  });
});

describe('takeRoomToken', () => {
  it('takes ?token= from the address, strips it (keeping other params and the hash) and remembers it', () => {
    const store = new MemoryStore();
    const replaced: string[] = [];
    const got = takeRoomToken(
      'r1',
      { pathname: '/r/r1', search: '?lang=de&token=abc.def.ghi', hash: '#x' },
      (u) => replaced.push(u),
      store,
    );
    expect(got).toBe('abc.def.ghi');
    expect(replaced).toEqual(['/r/r1?lang=de#x']);
    expect(store.items.get('jb.token.r1')).toBe('abc.def.ghi');
  });

  it('leaves the address alone without a token, and falls back to the remembered one (reload)', () => {
    const store = new MemoryStore();
    const replaced: string[] = [];
    takeRoomToken('r1', { pathname: '/r/r1', search: '?token=t1', hash: '' }, (u) => replaced.push(u), store);
    expect(replaced).toEqual(['/r/r1']);
    const again = takeRoomToken('r1', { pathname: '/r/r1', search: '', hash: '' }, (u) => replaced.push(u), store);
    expect(again).toBe('t1');
    expect(replaced).toHaveLength(1);
    expect(takeRoomToken('r2', { pathname: '/r/r2', search: '', hash: '' }, () => {}, store)).toBeUndefined();
  });

  it('works without storage and ignores an empty token', () => {
    expect(takeRoomToken('r1', { pathname: '/r/r1', search: '?token=x', hash: '' }, () => {}, undefined)).toBe('x');
    const replaced: string[] = [];
    expect(takeRoomToken('r1', { pathname: '/r/r1', search: '?token=', hash: '' }, (u) => replaced.push(u), undefined)).toBeUndefined();
    expect(replaced).toEqual(['/r/r1']);
  });
});

describe('access problems', () => {
  it('maps token errors to a screen and passcode errors to the prompt', () => {
    for (const code of ['token_required', 'token_expired', 'token_invalid']) {
      const p = accessProblemFor(code);
      expect(p?.kind).toBe('token');
      if (p?.kind === 'token') expect(p.title.length).toBeGreaterThan(0);
    }
    expect(accessProblemFor('token_expired')).toMatchObject({ title: 'Your invitation has expired' });
    expect(accessProblemFor('passcode_required')).toEqual({ kind: 'passcode', code: 'passcode_required', message: undefined });
    expect(accessProblemFor('bad_passcode')).toMatchObject({ kind: 'passcode', message: 'Wrong passcode. Please try again.' });
    expect(accessProblemFor('internal')).toBeUndefined();
  });

  it('looks at the newest fatal error only', () => {
    expect(accessProblemOf([])).toBeUndefined();
    expect(
      accessProblemOf([
        { code: 'bad_passcode', fatal: true },
        { code: 'camera_unavailable', fatal: false },
      ])?.code,
    ).toBe('bad_passcode');
    expect(accessProblemOf([{ code: 'bad_passcode', fatal: true }, { code: 'closed', fatal: true }])).toBeUndefined();
  });
});

describe('passcodes', () => {
  it('accepts 1..64 characters exactly as typed', () => {
    expect(checkPasscode('')).toMatchObject({ ok: false });
    expect(checkPasscode(' a b ')).toEqual({ ok: true, passcode: ' a b ' });
    expect(checkPasscode('🔑'.repeat(64))).toMatchObject({ ok: true });
    expect(checkPasscode('x'.repeat(65))).toMatchObject({ ok: false });
  });

  it("hands the creator's passcode to the room page once", () => {
    rememberCreatorPasscode('room-a', 'pw');
    expect(takeCreatorPasscode('room-b')).toBeUndefined();
    expect(takeCreatorPasscode('room-a')).toBe('pw');
    expect(takeCreatorPasscode('room-a')).toBeUndefined();
  });
});
