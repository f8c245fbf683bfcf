import { describe, expect, it } from 'vitest';
import { generateRoomId, isValidRoomId, parseRoomInput, roomLink, roomPath } from './roomId';

describe('generateRoomId', () => {
  it('produces the abc-defg-hij shape, valid for the server', () => {
    for (let i = 0; i < 200; i++) {
      const id = generateRoomId();
      expect(id).toMatch(/^[a-z]{3}-[a-z]{4}-[a-z]{3}$/);
      expect(isValidRoomId(id)).toBe(true);
    }
  });

  it('maps bytes to letters and skips bytes >= 234 to stay uniform', () => {
    // 234 = 256 - 256 % 26 is rejected; 0 -> a, 25 -> z, 26 -> a.
    const seq = [234, 255, 0, 1, 2, 3, 4, 5, 6, 7, 8, 25, 26, 27];
    let pos = 0;
    const random = (n: number) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = seq[pos++ % seq.length]!;
      return out;
    };
    expect(generateRoomId(random)).toBe('abc-defg-hiz');
  });

  it('does not repeat in practice', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => generateRoomId()));
    expect(ids.size).toBe(1000);
  });
});

describe('isValidRoomId', () => {
  it('accepts 1..64 chars of [A-Za-z0-9_-] as protocol.md says', () => {
    expect(isValidRoomId('a')).toBe(true);
    expect(isValidRoomId('Team_Sync-42')).toBe(true);
    expect(isValidRoomId('x'.repeat(64))).toBe(true);
  });
  it('rejects empty, too long, and other characters', () => {
    expect(isValidRoomId('')).toBe(false);
    expect(isValidRoomId('x'.repeat(65))).toBe(false);
    expect(isValidRoomId('abc def')).toBe(false);
    expect(isValidRoomId('abc/def')).toBe(false);
    expect(isValidRoomId('café')).toBe(false);
  });
});

describe('parseRoomInput', () => {
  it('accepts a bare id with surrounding spaces', () => {
    expect(parseRoomInput('  abc-defg-hij ')).toBe('abc-defg-hij');
  });
  it('accepts a full link and a path', () => {
    expect(parseRoomInput('https://calls.example.com/r/abc-defg-hij')).toBe('abc-defg-hij');
    expect(parseRoomInput('http://127.0.0.1:8080/r/room_1/?x=1')).toBe('room_1');
    expect(parseRoomInput('/r/abc-defg-hij')).toBe('abc-defg-hij');
  });
  it('rejects text that holds no valid id', () => {
    expect(parseRoomInput('')).toBeUndefined();
    expect(parseRoomInput('hello world')).toBeUndefined();
    expect(parseRoomInput('https://example.com/')).toBeUndefined();
    expect(parseRoomInput('https://example.com/r/bad%20id')).toBeUndefined();
    expect(parseRoomInput('https://example.com/x/abc')).toBeUndefined();
  });
  it('round-trips with roomLink', () => {
    const id = generateRoomId();
    expect(roomPath(id)).toBe(`/r/${id}`);
    expect(parseRoomInput(roomLink('https://h.example', id))).toBe(id);
  });
});
