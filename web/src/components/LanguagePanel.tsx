import type { ReactElement } from 'react';
import type { TranslationCapabilities } from '../signaling/protocol';
import {
  captionOptions,
  languageName,
  speakOptions,
  speechRecognised,
  voiceAvailable,
  type CaptionShow,
  type LanguageSettings,
} from '../translation/languages';
import { SidePanel } from './SidePanel';

/** "Language & captions": what I speak, what captions I read, how, and the translated voice. */
export function LanguagePanel(props: {
  settings: LanguageSettings;
  capabilities: TranslationCapabilities | undefined;
  onChange: (patch: Partial<LanguageSettings>) => void;
  onClose: () => void;
}): ReactElement {
  const { settings: s, capabilities: caps, onChange } = props;
  const speak = speakOptions(caps, s.speak);
  const captions = captionOptions(caps, s.captions);
  const recognised = speechRecognised(caps, s.speak);
  const canVoice = voiceAvailable(caps, s.captions);
  return (
    <SidePanel title="Language & captions" testId="language-panel" onClose={props.onClose}>
      <form className="settings" onSubmit={(e) => e.preventDefault()}>
        <label className="setting">
          <span>I speak</span>
          <select data-testid="lang-speak" value={s.speak} onChange={(e) => onChange({ speak: e.target.value })}>
            {speak.map((o) => (
              <option key={o.code} value={o.code} data-recognised={o.recognised ? 'true' : 'false'}>
                {o.label}
              </option>
            ))}
          </select>
          {caps && !recognised ? (
            <small className="setting-hint" data-testid="lang-speak-hint">
              No speech recogniser for {languageName(s.speak, caps)}: others will not get captions of what you say.
            </small>
          ) : null}
        </label>
        <label className="setting">
          <span>Show me captions in</span>
          <select data-testid="lang-captions" value={s.captions} onChange={(e) => onChange({ captions: e.target.value })}>
            {captions.map((o) => (
              <option key={o.code} value={o.code} data-via={o.via?.join(',') ?? ''}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label className="setting">
          <span>Show</span>
          <select data-testid="lang-show" value={s.show} onChange={(e) => onChange({ show: e.target.value as CaptionShow })}>
            <option value="translated">Translated</option>
            <option value="original">Original</option>
            <option value="both">Both</option>
          </select>
        </label>
        <label className="setting setting-row">
          <input
            type="checkbox"
            data-testid="lang-captions-on"
            checked={s.captionsOn}
            onChange={(e) => onChange({ captionsOn: e.target.checked })}
          />
          <span>Show captions</span>
        </label>
        <label className="setting setting-row">
          <input type="checkbox" data-testid="lang-voice" checked={s.voice} onChange={(e) => onChange({ voice: e.target.checked })} />
          <span>Speak translations to me</span>
        </label>
        {caps && s.voice && !canVoice ? (
          <small className="setting-hint" data-testid="lang-voice-hint">
            No translated voice speaks {languageName(s.captions, caps)} yet; you will get captions only.
          </small>
        ) : null}
        <p className="setting-note" data-testid="lang-note">
          {caps?.note ?? 'This server did not say what it can translate.'}
        </p>
      </form>
    </SidePanel>
  );
}
