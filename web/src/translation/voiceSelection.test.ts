import { describe, expect, it } from 'vitest';
import { planVoiceConsumers, wantsTranslationVoice, type TranslationProducerLike } from './voiceSelection';

const tts = (id: string, language: string, speaker = 'bob'): TranslationProducerLike => ({
  id,
  peerId: speaker,
  source: 'translation',
  language,
  speakerPeerId: speaker,
});

describe('translated voice selection', () => {
  const on = { speak: 'en', captions: 'de', voice: true };

  it('wants only the caption language, with voice on, never our own speech, never mic/camera', () => {
    expect(wantsTranslationVoice(tts('a', 'de'), on, 'me')).toBe(true);
    expect(wantsTranslationVoice(tts('a', 'es'), on, 'me')).toBe(false);
    expect(wantsTranslationVoice(tts('a', 'de'), { ...on, voice: false }, 'me')).toBe(false);
    expect(wantsTranslationVoice(tts('a', 'de', 'me'), on, 'me')).toBe(false);
    expect(wantsTranslationVoice({ id: 'm', peerId: 'bob', source: 'mic' }, on, 'me')).toBe(false);
  });

  it('plans consume / pause / resume when the caption language switches', () => {
    const producers = [tts('de1', 'de'), tts('es1', 'es'), { id: 'mic', peerId: 'bob', source: 'mic' as const }];
    // Captions in German, nothing consumed yet: consume the German voice only.
    expect(planVoiceConsumers(producers, [], on, 'me')).toEqual({ consume: ['de1'], pause: [], resume: [] });
    // Switch to Spanish with the German one playing: pause it, consume Spanish.
    const playing = [{ consumerId: 'c-de', producerId: 'de1', paused: false }];
    expect(planVoiceConsumers(producers, playing, { ...on, captions: 'es' }, 'me')).toEqual({
      consume: ['es1'],
      pause: ['c-de'],
      resume: [],
    });
    // Back to German: resume, nothing consumed twice.
    const both = [
      { consumerId: 'c-de', producerId: 'de1', paused: true },
      { consumerId: 'c-es', producerId: 'es1', paused: false },
    ];
    expect(planVoiceConsumers(producers, both, on, 'me')).toEqual({ consume: [], pause: ['c-es'], resume: ['c-de'] });
    // Voice off: pause everything that plays.
    expect(planVoiceConsumers(producers, both, { ...on, voice: false }, 'me')).toEqual({ consume: [], pause: ['c-es'], resume: [] });
    // A consume already under way is not started again.
    expect(planVoiceConsumers(producers, [], on, 'me', new Set(['de1']))).toEqual({ consume: [], pause: [], resume: [] });
  });
});
