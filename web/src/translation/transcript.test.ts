import { describe, expect, it } from 'vitest';
import {
  entryFromCaption,
  entryFromWire,
  formatTranscriptJson,
  formatTranscriptText,
  mergeTranscript,
  transcriptFileName,
  type TranscriptEntry,
} from './transcript';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

const early: TranscriptEntry = entryFromWire({
  utteranceId: 'u1',
  speakerPeerId: 'bob',
  speakerName: 'Bob',
  language: 'en',
  text: 'Good morning.',
  translations: { de: { text: 'Guten Morgen.', via: [] }, fr: { text: 'Bonjour.', via: ['es'] } },
  timestamp: T0,
});

describe('transcript', () => {
  it('merges server history and live finals by utterance, in time order', () => {
    const live = entryFromCaption({
      utteranceId: 'u2',
      speakerPeerId: 'ann',
      speakerName: 'Ann',
      final: true,
      language: 'en',
      text: 'Hi Bob.',
      translation: { language: 'de', text: 'Hallo Bob.', via: [] },
      timestamp: T0 + 5000,
    });
    let t = mergeTranscript([], [live]);
    t = mergeTranscript(t, [early]);
    expect(t.map((e) => e.utteranceId)).toEqual(['u1', 'u2']);
    // The same utterance again (history fetched after the live final): one entry, translations united.
    const again = entryFromCaption({
      utteranceId: 'u2',
      speakerPeerId: 'ann',
      speakerName: 'Ann',
      final: true,
      language: 'en',
      text: 'Hi Bob.',
      translation: { language: 'es', text: 'Hola Bob.', via: [] },
      timestamp: T0 + 5000,
    });
    t = mergeTranscript(t, [again]);
    expect(t).toHaveLength(2);
    expect(Object.keys(t[1]!.translations).sort()).toEqual(['de', 'es']);
  });

  it('formats plain text with translations and pivots', () => {
    const text = formatTranscriptText([early], { roomId: 'abc-defg-hij', time: () => '12:00:00' });
    expect(text).toBe(
      [
        'JB Calling transcript — room abc-defg-hij',
        '',
        '[12:00:00] Bob (en): Good morning.',
        '    de: Guten Morgen.',
        '    fr (via es): Bonjour.',
        '',
      ].join('\n'),
    );
  });

  it('formats JSON that parses back to the entries', () => {
    const json = formatTranscriptJson([early], { roomId: 'r1', now: T0 + 60_000 });
    const doc = JSON.parse(json) as { roomId: string; exportedAt: string; entries: Array<TranscriptEntry & { time: string }> };
    expect(doc.roomId).toBe('r1');
    expect(doc.exportedAt).toBe('2024-05-01T12:01:00.000Z');
    expect(doc.entries).toHaveLength(1);
    expect(doc.entries[0]).toMatchObject({
      utteranceId: 'u1',
      speakerName: 'Bob',
      language: 'en',
      text: 'Good morning.',
      time: '2024-05-01T12:00:00.000Z',
      translations: { fr: { text: 'Bonjour.', via: ['es'] } },
    });
  });

  it('names files after the room', () => {
    expect(transcriptFileName('abc-defg-hij', 'txt', T0)).toMatch(/^jb-transcript-abc-defg-hij-2024-05-0\dT\d{4}\.txt$/);
    expect(transcriptFileName(undefined, 'json', T0)).toMatch(/^jb-transcript-call-.*\.json$/);
  });
});
