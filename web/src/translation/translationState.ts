// What the UI shows about translation: settings, capabilities, caption lines, transcript.
import type { CaptionNotification, TranslationCapabilities } from '../signaling/protocol';
import { applyCaption, expireCaptions, type CaptionLines } from './captions';
import type { LanguageSettings } from './languages';
import { entryFromCaption, mergeTranscript, type Transcript, type TranscriptEntry } from './transcript';

export interface TranslationState {
  settings: LanguageSettings;
  /** Undefined until the server said (or when it has no translation at all). */
  capabilities: TranslationCapabilities | undefined;
  captions: CaptionLines;
  transcript: Transcript;
}

export type TranslationAction =
  | { type: 'settings'; settings: LanguageSettings }
  | { type: 'capabilities'; capabilities: TranslationCapabilities }
  | { type: 'caption'; caption: CaptionNotification; now: number }
  | { type: 'expireCaptions'; now: number }
  | { type: 'transcript'; entries: readonly TranscriptEntry[] }
  | { type: 'clearCaptions' };

export function initialTranslationState(settings: LanguageSettings): TranslationState {
  return { settings, capabilities: undefined, captions: [], transcript: [] };
}

export function translationReducer(state: TranslationState, action: TranslationAction): TranslationState {
  switch (action.type) {
    case 'settings':
      return { ...state, settings: action.settings };
    case 'capabilities':
      return { ...state, capabilities: action.capabilities };
    case 'caption': {
      const captions = applyCaption(state.captions, action.caption, action.now);
      const transcript = action.caption.final
        ? mergeTranscript(state.transcript, [entryFromCaption(action.caption)])
        : state.transcript;
      return captions === state.captions && transcript === state.transcript ? state : { ...state, captions, transcript };
    }
    case 'expireCaptions': {
      const captions = expireCaptions(state.captions, action.now);
      return captions === state.captions ? state : { ...state, captions };
    }
    case 'transcript': {
      const transcript = mergeTranscript(state.transcript, action.entries);
      return transcript === state.transcript ? state : { ...state, transcript };
    }
    case 'clearCaptions':
      return state.captions.length === 0 ? state : { ...state, captions: [] };
  }
}
