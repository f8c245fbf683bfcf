import type { ReactElement } from 'react';
import { captionText, type CaptionLines } from '../translation/captions';
import type { CaptionShow } from '../translation/languages';

/** The caption lines at the bottom of the stage: speaker, text, and a "via" marker for pivots. */
export function CaptionsOverlay(props: {
  lines: CaptionLines;
  show: CaptionShow;
  selfPeerId: string | undefined;
}): ReactElement | null {
  if (props.lines.length === 0) return null;
  return (
    <div className="captions" data-testid="captions" aria-live="polite">
      {props.lines.map((l) => {
        const t = captionText(l, props.show);
        const self = l.speakerPeerId === props.selfPeerId;
        return (
          <div
            key={l.utteranceId}
            className={`caption-line${l.final ? ' final' : ' partial'}`}
            data-testid="caption-line"
            data-utterance-id={l.utteranceId}
            data-speaker-peer-id={l.speakerPeerId}
            data-final={l.final ? 'true' : 'false'}
            data-language={t.primaryLanguage}
            data-translated={t.translated ? 'true' : 'false'}
          >
            <span className="caption-speaker" data-testid="caption-speaker">
              {self ? 'You' : l.speakerName || 'Guest'}
            </span>
            <span className="caption-text" data-testid="caption-text" lang={t.primaryLanguage}>
              {t.primary}
            </span>
            {t.via.length > 0 ? (
              <span className="caption-via" data-testid="caption-via" title="Translated through another language">
                via {t.via.join(', ')}
              </span>
            ) : null}
            {t.secondary !== undefined ? (
              <span className="caption-original" data-testid="caption-original" lang={l.language}>
                {t.secondary}
              </span>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
