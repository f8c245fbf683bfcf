import { MAX_DISPLAY_NAME_LENGTH, utf8Length } from '../signaling/protocol';

const KEY = 'jb.displayName';

export function loadDisplayName(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveDisplayName(name: string): void {
  try {
    localStorage.setItem(KEY, name);
  } catch {
    // Private mode: the name is simply not remembered.
  }
}

/** The trimmed name, or an error message for the form. */
export function checkDisplayName(raw: string): { ok: true; name: string } | { ok: false; error: string } {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name === '') return { ok: false, error: 'Please enter your name.' };
  // protocol.md says string(1..64) without a unit; UTF-8 bytes is the stricter reading.
  if (utf8Length(name) > MAX_DISPLAY_NAME_LENGTH) {
    return { ok: false, error: `That name is too long (at most ${MAX_DISPLAY_NAME_LENGTH} bytes).` };
  }
  return { ok: true, name };
}
