import { describe, expect, it } from 'vitest';
import { parseRoute } from './route';
import { checkDisplayName } from './displayName';

describe('parseRoute', () => {
  it('maps / to the landing page', () => {
    expect(parseRoute('/')).toEqual({ name: 'landing' });
    expect(parseRoute('/index.html')).toEqual({ name: 'landing' });
  });
  it('maps /r/<id> (with or without trailing slash) to the room', () => {
    expect(parseRoute('/r/abc-defg-hij')).toEqual({ name: 'room', roomId: 'abc-defg-hij' });
    expect(parseRoute('/r/Room_1/')).toEqual({ name: 'room', roomId: 'Room_1' });
  });
  it('reports invalid room ids and unknown paths as notFound', () => {
    expect(parseRoute('/r/bad%20id').name).toBe('notFound');
    expect(parseRoute('/r/%E0%A4%A').name).toBe('notFound');
    expect(parseRoute('/r/a/b').name).toBe('notFound');
    expect(parseRoute('/settings').name).toBe('notFound');
  });
});

describe('checkDisplayName', () => {
  it('trims and collapses whitespace', () => {
    expect(checkDisplayName('  Ada   Lovelace ')).toEqual({ ok: true, name: 'Ada Lovelace' });
  });
  it('rejects empty names', () => {
    expect(checkDisplayName('   ').ok).toBe(false);
  });
  it('limits names to 64 UTF-8 bytes', () => {
    expect(checkDisplayName('a'.repeat(64)).ok).toBe(true);
    expect(checkDisplayName('a'.repeat(65)).ok).toBe(false);
    // 32 two-byte characters fit, 33 do not.
    expect(checkDisplayName('é'.repeat(32)).ok).toBe(true);
    expect(checkDisplayName('é'.repeat(33)).ok).toBe(false);
  });
});
