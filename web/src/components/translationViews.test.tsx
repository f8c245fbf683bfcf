// Render checks (server-side rendering, no DOM needed) for the translation components:
// the data-testids the browser tests use, and what each setting shows.
import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { FAKE_TRANSLATION_CAPS } from '../test/FakeSfu';
import { applyCaption, type CaptionLines } from '../translation/captions';
import { defaultLanguageSettings } from '../translation/languages';
import { entryFromCaption } from '../translation/transcript';
import { CaptionsOverlay } from './CaptionsOverlay';
import { ChatPanel } from './ChatPanel';
import { LanguagePanel } from './LanguagePanel';
import { TranscriptPanel } from './TranscriptPanel';

const caption = {
  utteranceId: 'u1',
  speakerPeerId: 'bob',
  speakerName: 'Bob',
  final: true,
  language: 'en',
  text: 'Good morning',
  translation: { language: 'fr', text: 'Bonjour', via: ['es'] },
  timestamp: 0,
};

describe('translation views', () => {
  const lines: CaptionLines = applyCaption([], caption, 0);

  it('captions show translated, original or both, with the via marker', () => {
    const translated = renderToStaticMarkup(<CaptionsOverlay lines={lines} show="translated" selfPeerId="me" />);
    expect(translated).toContain('data-testid="caption-line"');
    expect(translated).toContain('Bonjour');
    expect(translated).toContain('via es');
    expect(translated).not.toContain('Good morning');
    const original = renderToStaticMarkup(<CaptionsOverlay lines={lines} show="original" selfPeerId="me" />);
    expect(original).toContain('Good morning');
    expect(original).not.toContain('Bonjour');
    const both = renderToStaticMarkup(<CaptionsOverlay lines={lines} show="both" selfPeerId="me" />);
    expect(both).toContain('Bonjour');
    expect(both).toContain('data-testid="caption-original"');
    expect(renderToStaticMarkup(<CaptionsOverlay lines={[]} show="both" selfPeerId="me" />)).toBe('');
  });

  it('the settings panel lists languages, marks the limits and shows the note', () => {
    const html = renderToStaticMarkup(
      <LanguagePanel settings={defaultLanguageSettings(['en'])} capabilities={FAKE_TRANSLATION_CAPS} onChange={() => {}} onClose={() => {}} />,
    );
    for (const id of ['lang-speak', 'lang-captions', 'lang-show', 'lang-voice', 'lang-note', 'lang-captions-on']) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('German — captions unavailable for this speaker');
    expect(html).toContain('French (via es)');
    expect(html).toContain('Speech is recognised in English only.');
  });

  it('the transcript shows translation and original, with download buttons', () => {
    const html = renderToStaticMarkup(
      <TranscriptPanel entries={[entryFromCaption(caption)]} roomId="r" captionLanguage="fr" selfPeerId="me" onClose={() => {}} />,
    );
    expect(html).toContain('data-testid="transcript-entry"');
    expect(html).toContain('Bonjour');
    expect(html).toContain('Good morning');
    expect(html).toContain('data-testid="transcript-download-txt"');
    expect(html).toContain('data-testid="transcript-download-json"');
  });

  it('chat shows the translation with a "show original" toggle; own messages as typed', () => {
    const html = renderToStaticMarkup(
      <ChatPanel
        messages={[
          { id: '1', peerId: 'bob', displayName: 'Bob', text: 'Hallo', timestamp: 0, fromSelf: false, language: 'de', translation: { language: 'en', text: 'Hello', via: [] } },
          { id: '2', peerId: 'me', displayName: 'Ann', text: 'Hi', timestamp: 0, fromSelf: true, language: 'en' },
        ]}
        onSend={async () => true}
        onClose={() => {}}
      />,
    );
    expect(html).toContain('Hello');
    expect(html).not.toContain('Hallo');
    expect(html).toContain('data-testid="chat-show-original"');
    expect(html).toContain('Hi');
  });
});
