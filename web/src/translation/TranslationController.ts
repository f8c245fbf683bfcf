// Holds the translation state of one call and the timers that make captions fade.
// Signaling stays in CallSession, which feeds notifications in and sends setLanguages.
import { Store } from '../call/Store';
import type { CaptionNotification, LanguageChoice, TranslationCapabilities, TranscriptEntryWire } from '../signaling/protocol';
import { nextCaptionExpiry } from './captions';
import {
  languageChoice,
  loadLanguageSettings,
  sameChoice,
  saveLanguageSettings,
  type KeyValueStorage,
  type LanguageSettings,
} from './languages';
import { entryFromWire } from './transcript';
import { initialTranslationState, translationReducer, type TranslationAction, type TranslationState } from './translationState';

export type TranslationStore = Store<TranslationState, TranslationAction>;

export interface TranslationDeps {
  /** Where settings persist (localStorage in the browser). */
  storage?: KeyValueStorage;
  /** navigator.languages, for the defaults. */
  preferredLanguages?: readonly string[];
  /** Wall clock for caption timing; Date.now when absent. */
  now?: () => number;
}

/** How many received caption notifications the test hooks can see. */
export const MAX_CAPTION_LOG = 2000;

/** A caption notification as received, with when it arrived (ms since the epoch). */
export type ReceivedCaption = CaptionNotification & { receivedAt: number };

export class TranslationController {
  readonly store: TranslationStore;
  /** Every caption notification received, in order (bounded). */
  readonly received: ReceivedCaption[] = [];
  private readonly storage: KeyValueStorage | undefined;
  private readonly now: () => number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt: number | undefined;

  constructor(deps: TranslationDeps = {}) {
    this.storage = deps.storage;
    this.now = deps.now ?? (() => Date.now());
    const settings = loadLanguageSettings(deps.storage, deps.preferredLanguages ?? []);
    this.store = new Store(translationReducer, initialTranslationState(settings));
  }

  get state(): TranslationState {
    return this.store.getState();
  }

  get settings(): LanguageSettings {
    return this.state.settings;
  }

  get choice(): LanguageChoice {
    return languageChoice(this.settings);
  }

  /** Applies and persists a change. Returns true when the server's part changed. */
  update(patch: Partial<LanguageSettings>): boolean {
    const before = this.settings;
    const next: LanguageSettings = { ...before, ...patch };
    if (JSON.stringify(next) === JSON.stringify(before)) return false;
    this.store.dispatch({ type: 'settings', settings: next });
    saveLanguageSettings(this.storage, next);
    return !sameChoice(languageChoice(before), languageChoice(next));
  }

  setCapabilities(caps: TranslationCapabilities): void {
    this.store.dispatch({ type: 'capabilities', capabilities: caps });
  }

  onCaption(c: CaptionNotification): void {
    this.received.push({ ...c, receivedAt: this.now() });
    if (this.received.length > MAX_CAPTION_LOG) this.received.splice(0, this.received.length - MAX_CAPTION_LOG);
    this.store.dispatch({ type: 'caption', caption: c, now: this.now() });
    this.schedule();
  }

  addTranscript(entries: readonly TranscriptEntryWire[]): void {
    this.store.dispatch({ type: 'transcript', entries: entries.map(entryFromWire) });
  }

  /** Stops the timers; the state stays readable. */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    this.store.dispatch({ type: 'clearCaptions' });
  }

  private schedule(): void {
    const at = nextCaptionExpiry(this.state.captions);
    if (at === this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.store.dispatch({ type: 'expireCaptions', now: this.now() });
      this.schedule();
    }, Math.max(0, at - this.now()));
  }
}
