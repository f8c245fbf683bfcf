// Join tokens and room passcodes on the client (docs/protocol.md "Access"): where the token comes
// from, what the page may show before the server has checked it, and what an access error means
// for the user. Plain functions; the server is the only judge of a token.
import type { JoinPermissions } from '../signaling/protocol';

/** What `join` carries besides room, name and capabilities. */
export interface JoinCredentials {
  token?: string;
  passcode?: string;
}

/** Unverified claims of a join token, read only to prefill the page (the server checks them). */
export interface TokenHints {
  roomId?: string;
  displayName?: string;
  /** ms since the Unix epoch. */
  expiresAt?: number;
  permissions?: JoinPermissions;
}

export const MAX_PASSCODE_LENGTH = 64;

const TOKEN_PARAM = 'token';
const TOKEN_KEY_PREFIX = 'jb.token.';

/** RFC 4648 §5 base64url text to a string of UTF-8; undefined when it is not base64url. */
function decodeBase64Url(text: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const binary = atob(b64);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Reads a token's payload without verifying it. Undefined for anything that is not a JWT. */
export function readTokenHints(token: string): TokenHints | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const json = decodeBase64Url(parts[1]!);
  if (json === undefined) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, unknown>;
  const hints: TokenHints = {};
  if (typeof p.room === 'string') hints.roomId = p.room;
  if (typeof p.name === 'string' && p.name.trim() !== '') hints.displayName = p.name;
  if (typeof p.exp === 'number' && Number.isFinite(p.exp)) hints.expiresAt = p.exp * 1000;
  if (typeof p.permissions === 'object' && p.permissions !== null) {
    const perms = p.permissions as Record<string, unknown>;
    hints.permissions = { publish: perms.publish === true, subscribe: perms.subscribe === true, chat: perms.chat === true };
  }
  return hints;
}

export interface LocationLike {
  pathname: string;
  search: string;
  hash: string;
}

export interface TokenStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/**
 * Takes the join token for `roomId`: from `?token=` in the address, which is then removed with
 * `replaceUrl` (history.replaceState) so "copy link" never shares it, or else from this tab's
 * storage, so a reload still works.
 */
export function takeRoomToken(
  roomId: string,
  location: LocationLike,
  replaceUrl: (url: string) => void,
  store: TokenStore | undefined,
): string | undefined {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get(TOKEN_PARAM);
  if (fromUrl !== null) {
    params.delete(TOKEN_PARAM);
    const rest = params.toString();
    replaceUrl(`${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    const token = fromUrl.trim();
    if (token !== '') {
      try {
        store?.setItem(TOKEN_KEY_PREFIX + roomId, token);
      } catch {
        // Storage full or disabled: the token works for this page view only.
      }
      return token;
    }
  }
  try {
    return store?.getItem(TOKEN_KEY_PREFIX + roomId) ?? undefined;
  } catch {
    return undefined;
  }
}

/** What went wrong with access, for the screen that explains it. */
export type AccessProblem =
  | { kind: 'token'; code: string; title: string; message: string }
  | { kind: 'passcode'; code: string; message: string | undefined };

/** Maps a join error code to what the user should see; undefined for non-access errors. */
export function accessProblemFor(code: string): AccessProblem | undefined {
  switch (code) {
    case 'token_required':
      return {
        kind: 'token',
        code,
        title: 'This room needs an invitation',
        message: 'This server only admits people with an invitation link. Ask the organizer for one.',
      };
    case 'token_expired':
      return {
        kind: 'token',
        code,
        title: 'Your invitation has expired',
        message: 'The link you opened is no longer valid. Ask the organizer for a new one.',
      };
    case 'token_invalid':
      return {
        kind: 'token',
        code,
        title: 'This invitation is not valid',
        message: 'The link you opened is damaged, is for a different room, or was not issued by this server.',
      };
    case 'passcode_required':
      return { kind: 'passcode', code, message: undefined };
    case 'bad_passcode':
      return { kind: 'passcode', code, message: 'Wrong passcode. Please try again.' };
    default:
      return undefined;
  }
}

/** The access problem behind the newest fatal error, if that is what ended the call. */
export function accessProblemOf(errors: readonly { code: string; fatal: boolean }[]): AccessProblem | undefined {
  for (let i = errors.length - 1; i >= 0; i--) {
    const e = errors[i]!;
    if (e.fatal) return accessProblemFor(e.code);
  }
  return undefined;
}

/** The passcode as typed, or an error message for the form. */
export function checkPasscode(raw: string): { ok: true; passcode: string } | { ok: false; error: string } {
  if (raw === '') return { ok: false, error: 'Please enter the passcode.' };
  if ([...raw].length > MAX_PASSCODE_LENGTH) {
    return { ok: false, error: `Passcodes are at most ${MAX_PASSCODE_LENGTH} characters.` };
  }
  return { ok: true, passcode: raw };
}

/**
 * The passcode a room's creator chose on the landing page, handed to the room page in memory
 * only (not in the URL or history state, which outlive the page).
 */
const creatorPasscodes = new Map<string, string>();

export function rememberCreatorPasscode(roomId: string, passcode: string): void {
  creatorPasscodes.set(roomId, passcode);
}

export function takeCreatorPasscode(roomId: string): string | undefined {
  const p = creatorPasscodes.get(roomId);
  creatorPasscodes.delete(roomId);
  return p;
}
