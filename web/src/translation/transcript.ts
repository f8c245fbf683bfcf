// The room's transcript: final captions, original and translations, in time order.
// Filled from getTranscript (earlier lines for late joiners) and from live finals.
import type { CaptionNotification, TranscriptEntryWire } from '../signaling/protocol';

export interface TranscriptEntry {
  utteranceId: string;
  speakerPeerId: string;
  speakerName: string;
  language: string;
  text: string;
  translations: Readonly<Record<string, { text: string; via: string[] }>>;
  timestamp: number;
}

export type Transcript = readonly TranscriptEntry[];

/** Keeps the transcript bounded in a very long call. */
export const MAX_TRANSCRIPT_ENTRIES = 5000;

export function entryFromCaption(c: CaptionNotification): TranscriptEntry {
  return {
    utteranceId: c.utteranceId,
    speakerPeerId: c.speakerPeerId,
    speakerName: c.speakerName,
    language: c.language,
    text: c.text,
    translations: c.translation
      ? { [c.translation.language]: { text: c.translation.text, via: [...(c.translation.via ?? [])] } }
      : {},
    timestamp: c.timestamp,
  };
}

export function entryFromWire(e: TranscriptEntryWire): TranscriptEntry {
  return {
    utteranceId: e.utteranceId,
    speakerPeerId: e.speakerPeerId,
    speakerName: e.speakerName,
    language: e.language,
    text: e.text,
    translations: e.translations ?? {},
    timestamp: e.timestamp,
  };
}

/** Merges entries in by utteranceId (translations are united), sorted by time. */
export function mergeTranscript(current: Transcript, incoming: readonly TranscriptEntry[]): Transcript {
  if (incoming.length === 0) return current;
  const byId = new Map<string, TranscriptEntry>();
  for (const e of current) byId.set(e.utteranceId, e);
  for (const e of incoming) {
    const old = byId.get(e.utteranceId);
    byId.set(e.utteranceId, old ? { ...old, ...e, translations: { ...old.translations, ...e.translations } } : e);
  }
  const all = [...byId.values()].sort((a, b) => a.timestamp - b.timestamp || a.utteranceId.localeCompare(b.utteranceId));
  return all.length > MAX_TRANSCRIPT_ENTRIES ? all.slice(-MAX_TRANSCRIPT_ENTRIES) : all;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time, "14:03:09". */
export function localClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export interface TranscriptTextOptions {
  roomId?: string;
  /** Formats an entry's time; local HH:MM:SS by default. */
  time?: (ms: number) => string;
}

/**
 * Plain text: a header, then one line per utterance with its translations indented under it:
 *
 *     [14:03:09] Ann (en): Good morning
 *         de: Guten Morgen
 *         fr (via es): Bonjour
 */
export function formatTranscriptText(entries: Transcript, opts: TranscriptTextOptions = {}): string {
  const time = opts.time ?? localClock;
  const lines: string[] = [`JB Calling transcript${opts.roomId ? ` — room ${opts.roomId}` : ''}`, ''];
  for (const e of entries) {
    lines.push(`[${time(e.timestamp)}] ${e.speakerName} (${e.language}): ${e.text}`);
    for (const lang of Object.keys(e.translations).sort()) {
      const t = e.translations[lang]!;
      const via = t.via.length > 0 ? ` (via ${t.via.join(', ')})` : '';
      lines.push(`    ${lang}${via}: ${t.text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface TranscriptJson {
  roomId: string | undefined;
  exportedAt: string;
  entries: Array<TranscriptEntry & { time: string }>;
}

/** JSON: the entries as the server describes them, plus an ISO time per entry. */
export function formatTranscriptJson(entries: Transcript, opts: { roomId?: string; now?: number } = {}): string {
  const doc: TranscriptJson = {
    roomId: opts.roomId,
    exportedAt: new Date(opts.now ?? Date.now()).toISOString(),
    entries: entries.map((e) => ({ ...e, time: new Date(e.timestamp).toISOString() })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** "jb-transcript-abc-defg-hij-2024-05-01T1403.txt" */
export function transcriptFileName(roomId: string | undefined, ext: 'txt' | 'json', now = Date.now()): string {
  const d = new Date(now);
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}${pad(d.getMinutes())}`;
  const room = (roomId ?? 'call').replace(/[^A-Za-z0-9_-]/g, '');
  return `jb-transcript-${room}-${stamp}.${ext}`;
}
