import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CaptionNotification } from '../signaling/protocol';
import { applyCaption, captionText, CAPTION_LINGER_MS, CAPTION_STALE_MS, expireCaptions, MAX_CAPTION_LINES, type CaptionLines } from './captions';
import { TranslationController } from './TranslationController';

function cap(id: string, text: string, final: boolean, extra: Partial<CaptionNotification> = {}): CaptionNotification {
  return {
    utteranceId: id,
    speakerPeerId: 'bob',
    speakerName: 'Bob',
    final,
    language: 'en',
    text,
    timestamp: 1_700_000_000_000,
    ...extra,
  };
}

describe('caption lines', () => {
  it('partial, partial, final: one line updated in place, the final replaces it', () => {
    let lines: CaptionLines = [];
    lines = applyCaption(lines, cap('u1', 'Good', false), 0);
    lines = applyCaption(lines, cap('u1', 'Good morn', false), 100);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ text: 'Good morn', final: false });
    lines = applyCaption(lines, cap('u1', 'Good morning.', true), 200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ text: 'Good morning.', final: true, expiresAt: 200 + CAPTION_LINGER_MS });
    // A late partial does not undo the final.
    expect(applyCaption(lines, cap('u1', 'Good', false), 300)).toBe(lines);
  });

  it('keeps at most three lines, dropping finished ones first', () => {
    let lines: CaptionLines = [];
    lines = applyCaption(lines, cap('a', 'still talking', false, { speakerPeerId: 'ann' }), 0);
    lines = applyCaption(lines, cap('b', 'done', true), 1);
    lines = applyCaption(lines, cap('c', 'done too', true), 2);
    lines = applyCaption(lines, cap('d', 'new', false), 3);
    expect(lines).toHaveLength(MAX_CAPTION_LINES);
    expect(lines.map((l) => l.utteranceId)).toEqual(['a', 'c', 'd']);
  });

  it('expires finals after the linger time and stale partials later', () => {
    let lines: CaptionLines = [];
    lines = applyCaption(lines, cap('a', 'hello', true), 0);
    lines = applyCaption(lines, cap('b', 'hang', false), 0);
    expect(expireCaptions(lines, CAPTION_LINGER_MS - 1)).toBe(lines);
    lines = expireCaptions(lines, CAPTION_LINGER_MS);
    expect(lines.map((l) => l.utteranceId)).toEqual(['b']);
    expect(expireCaptions(lines, CAPTION_STALE_MS)).toEqual([]);
  });

  it('selects original, translated or both, and marks pivots', () => {
    const line = {
      text: 'Good morning',
      language: 'en',
      translation: { language: 'fr', text: 'Bonjour', via: ['es'] },
    };
    expect(captionText(line, 'original')).toMatchObject({ primary: 'Good morning', secondary: undefined, via: [], translated: false });
    expect(captionText(line, 'translated')).toMatchObject({ primary: 'Bonjour', primaryLanguage: 'fr', secondary: undefined, via: ['es'], translated: true });
    expect(captionText(line, 'both')).toMatchObject({ primary: 'Bonjour', secondary: 'Good morning', via: ['es'] });
    // No translation (same language or no route): the original, whatever the setting.
    const plain = { text: 'Hi', language: 'en', translation: undefined };
    expect(captionText(plain, 'translated')).toMatchObject({ primary: 'Hi', translated: false });
    expect(captionText(plain, 'both')).toMatchObject({ primary: 'Hi', secondary: undefined });
  });
});

describe('TranslationController caption timing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fades a final line out a few seconds after it arrives', () => {
    const t = new TranslationController();
    t.onCaption(cap('u1', 'Hel', false));
    vi.advanceTimersByTime(500);
    t.onCaption(cap('u1', 'Hello', false));
    vi.advanceTimersByTime(500);
    t.onCaption(cap('u1', 'Hello there.', true));
    expect(t.state.captions.map((l) => l.text)).toEqual(['Hello there.']);
    vi.advanceTimersByTime(CAPTION_LINGER_MS - 1);
    expect(t.state.captions).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.state.captions).toHaveLength(0);
    // The final went to the transcript, the partials did not.
    expect(t.state.transcript.map((e) => e.text)).toEqual(['Hello there.']);
    expect(t.received).toHaveLength(3);
    t.close();
  });

  it('a partial that is never finished goes after the stale time', () => {
    const t = new TranslationController();
    t.onCaption(cap('u1', 'Hel', false));
    vi.advanceTimersByTime(CAPTION_STALE_MS - 1);
    expect(t.state.captions).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(t.state.captions).toHaveLength(0);
    t.close();
  });

  it('a second line keeps its own timer', () => {
    const t = new TranslationController();
    t.onCaption(cap('a', 'One.', true));
    vi.advanceTimersByTime(2000);
    t.onCaption(cap('b', 'Two.', true, { speakerPeerId: 'cid' }));
    vi.advanceTimersByTime(CAPTION_LINGER_MS - 2000);
    expect(t.state.captions.map((l) => l.utteranceId)).toEqual(['b']);
    vi.advanceTimersByTime(2000);
    expect(t.state.captions).toHaveLength(0);
    t.close();
  });
});
