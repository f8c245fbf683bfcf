import { describe, expect, it } from 'vitest';
import { FAKE_TRANSLATION_CAPS } from '../test/FakeSfu';
import {
  captionOptions,
  defaultLanguageSettings,
  LANGUAGE_STORAGE_KEY,
  loadLanguageSettings,
  primaryLanguage,
  saveLanguageSettings,
  speakOptions,
} from './languages';
import { memoryStorage } from '../test/memoryStorage';

describe('language settings', () => {
  it('defaults from navigator.language', () => {
    expect(primaryLanguage('de-AT')).toBe('de');
    expect(primaryLanguage('zh_Hant_TW')).toBe('zh');
    expect(primaryLanguage('x')).toBeUndefined();
    expect(defaultLanguageSettings(['de-DE', 'en-US'])).toEqual({
      speak: 'de',
      captions: 'de',
      voice: true,
      show: 'translated',
      captionsOn: true,
    });
    expect(defaultLanguageSettings(['', 'fr-CA'])).toMatchObject({ speak: 'fr', captions: 'fr' });
    expect(defaultLanguageSettings([])).toMatchObject({ speak: 'en', captions: 'en' });
  });

  it('persists in storage and ignores what does not parse', () => {
    const storage = memoryStorage();
    expect(loadLanguageSettings(storage, ['es-ES'])).toMatchObject({ speak: 'es', captions: 'es' });
    saveLanguageSettings(storage, { speak: 'en', captions: 'de', voice: false, show: 'both', captionsOn: false });
    expect(loadLanguageSettings(storage, ['es-ES'])).toEqual({ speak: 'en', captions: 'de', voice: false, show: 'both', captionsOn: false });
    storage.data.set(LANGUAGE_STORAGE_KEY, JSON.stringify({ speak: 42, captions: 'fr', show: 'loud' }));
    expect(loadLanguageSettings(storage, ['es-ES'])).toEqual({ speak: 'es', captions: 'fr', voice: true, show: 'translated', captionsOn: true });
    storage.data.set(LANGUAGE_STORAGE_KEY, '{not json');
    expect(loadLanguageSettings(storage, ['it'])).toMatchObject({ speak: 'it' });
  });

  it('labels languages without a recogniser and pivoted caption languages', () => {
    const speak = speakOptions(FAKE_TRANSLATION_CAPS, 'en');
    expect(speak.find((o) => o.code === 'en')).toMatchObject({ label: 'English', recognised: true });
    expect(speak.find((o) => o.code === 'de')).toMatchObject({ label: 'German — captions unavailable for this speaker', recognised: false });
    const captions = captionOptions(FAKE_TRANSLATION_CAPS, 'en');
    expect(captions.find((o) => o.code === 'fr')).toMatchObject({ label: 'French (via es)', via: ['es'] });
    expect(captions.find((o) => o.code === 'de')).toEqual({ code: 'de', label: 'German' });
    // A current choice the server does not list is still shown.
    expect(captionOptions(FAKE_TRANSLATION_CAPS, 'ja').some((o) => o.code === 'ja')).toBe(true);
  });
});
