// Live captions: partials of an utterance update one line in place, the final replaces
// them, and a final line goes away a few seconds later. Pure; time is passed in.
import type { CaptionNotification, CaptionTranslation } from '../signaling/protocol';
import type { CaptionShow } from './languages';

/** How long a final line stays (its last second is a CSS fade). */
export const CAPTION_LINGER_MS = 5000;
/** A partial that is not updated for this long (speaker left mid-sentence) goes too. */
export const CAPTION_STALE_MS = 15000;
/** At most this many lines are on screen, like Meet. */
export const MAX_CAPTION_LINES = 3;

export interface CaptionLine {
  utteranceId: string;
  speakerPeerId: string;
  speakerName: string;
  final: boolean;
  language: string;
  text: string;
  translation: CaptionTranslation | undefined;
  timestamp: number;
  /** Local clock when the last update arrived. */
  updatedAt: number;
  /** Local clock when the line is removed. */
  expiresAt: number;
}

export type CaptionLines = readonly CaptionLine[];

/** Adds or updates the line of one utterance. A partial after its final is ignored. */
export function applyCaption(lines: CaptionLines, c: CaptionNotification, now: number): CaptionLines {
  const existing = lines.find((l) => l.utteranceId === c.utteranceId);
  if (existing?.final && !c.final) return lines;
  const line: CaptionLine = {
    utteranceId: c.utteranceId,
    speakerPeerId: c.speakerPeerId,
    speakerName: c.speakerName,
    final: c.final,
    language: c.language,
    text: c.text,
    translation: c.translation,
    timestamp: c.timestamp,
    updatedAt: now,
    expiresAt: now + (c.final ? CAPTION_LINGER_MS : CAPTION_STALE_MS),
  };
  const next = existing ? lines.map((l) => (l === existing ? line : l)) : [...lines, line];
  return trimLines(next);
}

/** Keeps the newest MAX_CAPTION_LINES; finished lines make room before ones still being spoken. */
function trimLines(lines: CaptionLine[]): CaptionLine[] {
  const out = [...lines];
  while (out.length > MAX_CAPTION_LINES) {
    const oldestFinal = out.findIndex((l) => l.final);
    out.splice(oldestFinal >= 0 ? oldestFinal : 0, 1);
  }
  return out;
}

/** Drops the lines whose time is up; the same array when nothing changed. */
export function expireCaptions(lines: CaptionLines, now: number): CaptionLines {
  const kept = lines.filter((l) => l.expiresAt > now);
  return kept.length === lines.length ? lines : kept;
}

/** When the next line expires, for a timer. */
export function nextCaptionExpiry(lines: CaptionLines): number | undefined {
  let min: number | undefined;
  for (const l of lines) if (min === undefined || l.expiresAt < min) min = l.expiresAt;
  return min;
}

export interface CaptionText {
  /** The main text for the chosen setting. */
  primary: string;
  /** Language of `primary`. */
  primaryLanguage: string;
  /** With "both": the original under the translation. */
  secondary: string | undefined;
  /** Pivot languages of the translation shown, if any. */
  via: string[];
  /** True when `primary` is a translation. */
  translated: boolean;
}

/**
 * The text a line shows. "translated" falls back to the original when there is no
 * translation (same language, or no route); "both" shows the translation with the
 * original under it.
 */
export function captionText(line: Pick<CaptionLine, 'text' | 'language' | 'translation'>, show: CaptionShow): CaptionText {
  const t = line.translation;
  if (show === 'original' || !t) {
    return { primary: line.text, primaryLanguage: line.language, secondary: undefined, via: [], translated: false };
  }
  return {
    primary: t.text,
    primaryLanguage: t.language,
    secondary: show === 'both' ? line.text : undefined,
    via: t.via ?? [],
    translated: true,
  };
}
