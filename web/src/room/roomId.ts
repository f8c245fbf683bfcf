// Room ids: generated ones look like "abc-defg-hij"; any id the server accepts is valid
// (docs/protocol.md: 1..64 chars of [A-Za-z0-9_-]).

const ROOM_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Returns n random bytes. */
export type RandomSource = (n: number) => Uint8Array;

const cryptoRandom: RandomSource = (n) => crypto.getRandomValues(new Uint8Array(n));

/** A fresh random room id like "abc-defg-hij" (26^10 ≈ 1.4e14 ids). */
export function generateRoomId(random: RandomSource = cryptoRandom): string {
  const groups = [3, 4, 3];
  const total = groups.reduce((a, b) => a + b, 0);
  const letters: string[] = [];
  // Rejection sampling keeps the distribution uniform: 256 is not a multiple of 26.
  const limit = 256 - (256 % LETTERS.length);
  while (letters.length < total) {
    const bytes = random(total * 2);
    for (const b of bytes) {
      if (b < limit && letters.length < total) letters.push(LETTERS[b % LETTERS.length]!);
    }
  }
  const parts: string[] = [];
  let i = 0;
  for (const n of groups) {
    parts.push(letters.slice(i, i + n).join(''));
    i += n;
  }
  return parts.join('-');
}

export function isValidRoomId(id: string): boolean {
  return ROOM_ID_RE.test(id);
}

/**
 * Reads what a user typed in the "Join" field: a bare room id, a path "/r/<id>",
 * or a full link "https://host/r/<id>". Returns undefined when it holds no valid id.
 */
export function parseRoomInput(input: string): string | undefined {
  const text = input.trim();
  if (text === '') return undefined;
  if (isValidRoomId(text)) return text;
  let path = text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      path = new URL(text).pathname;
    } catch {
      return undefined;
    }
  }
  const m = /^\/?r\/([^/?#]+)\/?(?:[?#].*)?$/.exec(path);
  if (!m) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return isValidRoomId(id) ? id : undefined;
}

export function roomPath(roomId: string): string {
  return `/r/${encodeURIComponent(roomId)}`;
}

export function roomLink(origin: string, roomId: string): string {
  return `${origin}${roomPath(roomId)}`;
}
