// Language settings: what the user speaks, which language captions are shown in, how,
// and whether translations are spoken. Pure functions plus a small localStorage wrapper.
import type { LanguageChoice, LanguageName, TranslationCapabilities } from '../signaling/protocol';

export type CaptionShow = 'original' | 'translated' | 'both';

export interface LanguageSettings extends LanguageChoice {
  /** Which caption text to show. Local only. */
  show: CaptionShow;
  /** The CC button. Local only: the transcript keeps filling while captions are hidden. */
  captionsOn: boolean;
}

export const LANGUAGE_STORAGE_KEY = 'jb.languageSettings';
export const FALLBACK_LANGUAGE = 'en';

/** Minimal Storage surface (localStorage, or a Map-backed fake in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** "de-AT" -> "de"; anything that is not a two-letter primary subtag -> undefined. */
export function primaryLanguage(tag: string | undefined | null): string | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return /^[a-z]{2}$/.test(primary) ? primary : undefined;
}

/** Defaults from the browser's preferred languages (navigator.languages / navigator.language). */
export function defaultLanguageSettings(preferred: readonly string[] = []): LanguageSettings {
  let code: string | undefined;
  for (const tag of preferred) {
    code = primaryLanguage(tag);
    if (code) break;
  }
  code ??= FALLBACK_LANGUAGE;
  return { speak: code, captions: code, voice: true, show: 'translated', captionsOn: true };
}

const SHOWS: readonly CaptionShow[] = ['original', 'translated', 'both'];

/** Stored settings over the defaults; fields that do not parse are ignored. */
export function loadLanguageSettings(
  storage: KeyValueStorage | undefined,
  preferred: readonly string[] = [],
): LanguageSettings {
  const base = defaultLanguageSettings(preferred);
  let raw: string | null = null;
  try {
    raw = storage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
  } catch {
    return base;
  }
  if (!raw) return base;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return base;
  }
  if (typeof parsed !== 'object' || parsed === null) return base;
  const p = parsed as Record<string, unknown>;
  const speak = typeof p.speak === 'string' ? primaryLanguage(p.speak) : undefined;
  const captions = typeof p.captions === 'string' ? primaryLanguage(p.captions) : undefined;
  return {
    speak: speak ?? base.speak,
    captions: captions ?? base.captions,
    voice: typeof p.voice === 'boolean' ? p.voice : base.voice,
    show: SHOWS.includes(p.show as CaptionShow) ? (p.show as CaptionShow) : base.show,
    captionsOn: typeof p.captionsOn === 'boolean' ? p.captionsOn : base.captionsOn,
  };
}

export function saveLanguageSettings(storage: KeyValueStorage | undefined, s: LanguageSettings): void {
  try {
    storage?.setItem(LANGUAGE_STORAGE_KEY, JSON.stringify(s));
  } catch {
    // Private mode or quota: the settings still apply to this call.
  }
}

/** The part of the settings the server knows about. */
export function languageChoice(s: LanguageSettings): LanguageChoice {
  return { speak: s.speak, captions: s.captions, voice: s.voice };
}

export function sameChoice(a: LanguageChoice, b: LanguageChoice): boolean {
  return a.speak === b.speak && a.captions === b.captions && a.voice === b.voice;
}

/** A language's name: from the capabilities, else the browser's Intl, else the code. */
export function languageName(code: string, caps?: TranslationCapabilities): string {
  const known =
    caps?.allLanguages.find((l) => l.code === code) ??
    caps?.captionLanguages.find((l) => l.code === code) ??
    caps?.speechLanguages.find((l) => l.code === code);
  if (known) return known.name;
  try {
    const names = new Intl.DisplayNames(['en'], { type: 'language' });
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

export interface LanguageOption {
  code: string;
  label: string;
  /** "I speak": false when no speech recogniser exists for it. */
  recognised?: boolean;
  /** "Show me captions in": pivot languages when the translation is not direct. */
  via?: string[];
}

/** Languages shown when the server said nothing about translation (an older server). */
const FALLBACK_CODES = ['en', 'de', 'es', 'fr', 'it', 'pt', 'nl', 'pl', 'ru', 'uk', 'tr', 'ar', 'hi', 'zh', 'ja', 'ko'];

/** Options for "I speak": every language, those without a recogniser labelled so. */
export function speakOptions(caps: TranslationCapabilities | undefined, current: string): LanguageOption[] {
  const all: LanguageName[] = caps?.allLanguages.length
    ? caps.allLanguages
    : FALLBACK_CODES.map((code) => ({ code, name: languageName(code) }));
  const recognised = new Set(caps?.speechLanguages.map((l) => l.code) ?? []);
  const list = withCurrent(all, current, caps);
  return list.map((l) => {
    const ok = recognised.has(l.code);
    const name = displayName(l);
    return { code: l.code, label: ok ? name : `${name} — captions unavailable for this speaker`, recognised: ok };
  });
}

/** Options for "Show me captions in": pivoted languages marked with their route. */
export function captionOptions(caps: TranslationCapabilities | undefined, current: string): LanguageOption[] {
  const list: Array<LanguageName & { via?: string[] }> = caps?.captionLanguages.length
    ? caps.captionLanguages
    : [{ code: current, name: languageName(current, caps) }];
  return withCurrent(list, current, caps).map((l) => {
    const via = 'via' in l && l.via && l.via.length > 0 ? l.via : undefined;
    const name = displayName(l);
    return via ? { code: l.code, label: `${name} (via ${via.join(', ')})`, via } : { code: l.code, label: name };
  });
}

/** True when the translated voice can speak `language`. */
export function voiceAvailable(caps: TranslationCapabilities | undefined, language: string): boolean {
  return caps?.voices.some((v) => v.language === language) ?? false;
}

export function speechRecognised(caps: TranslationCapabilities | undefined, language: string): boolean {
  return caps?.speechLanguages.some((l) => l.code === language) ?? false;
}

/** "German (Deutsch)" when the native name differs, else the name. */
function displayName(l: LanguageName): string {
  return l.nativeName && l.nativeName !== l.name ? `${l.name} (${l.nativeName})` : l.name;
}

function withCurrent<T extends LanguageName>(list: readonly T[], current: string, caps?: TranslationCapabilities): Array<T | LanguageName> {
  if (list.some((l) => l.code === current)) return [...list];
  return [...list, { code: current, name: languageName(current, caps) }];
}
