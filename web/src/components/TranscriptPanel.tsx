import { useEffect, useRef, type ReactElement } from 'react';
import { formatTranscriptJson, formatTranscriptText, localClock, transcriptFileName, type Transcript } from '../translation/transcript';
import { downloadText } from './download';
import { SidePanel } from './SidePanel';

/** The room's final captions so far, with their translation into our caption language. */
export function TranscriptPanel(props: {
  entries: Transcript;
  roomId: string | undefined;
  captionLanguage: string;
  selfPeerId: string | undefined;
  onClose: () => void;
}): ReactElement {
  const listRef = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [props.entries.length]);

  const download = (ext: 'txt' | 'json') => {
    const name = transcriptFileName(props.roomId, ext);
    if (ext === 'txt') downloadText(name, formatTranscriptText(props.entries, { roomId: props.roomId }), 'text/plain');
    else downloadText(name, formatTranscriptJson(props.entries, { roomId: props.roomId }), 'application/json');
  };

  return (
    <SidePanel title="Transcript" testId="transcript-panel" onClose={props.onClose}>
      <ol className="transcript-list" ref={listRef}>
        {props.entries.length === 0 ? (
          <li className="chat-empty">What people say appears here. It is kept until the call ends.</li>
        ) : null}
        {props.entries.map((e) => {
          const t = e.translations[props.captionLanguage];
          const translated = t !== undefined && e.language !== props.captionLanguage;
          return (
            <li
              key={e.utteranceId}
              className="transcript-entry"
              data-testid="transcript-entry"
              data-utterance-id={e.utteranceId}
              data-speaker-peer-id={e.speakerPeerId}
            >
              <div className="chat-meta">
                <span className="chat-sender">{e.speakerPeerId === props.selfPeerId ? 'You' : e.speakerName}</span>
                <time dateTime={new Date(e.timestamp).toISOString()}>{localClock(e.timestamp)}</time>
              </div>
              {translated ? (
                <p className="chat-text" data-testid="transcript-translation" lang={props.captionLanguage}>
                  {t.text}
                  {t.via.length > 0 ? <span className="caption-via"> via {t.via.join(', ')}</span> : null}
                </p>
              ) : null}
              <p className={translated ? 'transcript-original' : 'chat-text'} data-testid="transcript-original" lang={e.language}>
                {e.text}
              </p>
            </li>
          );
        })}
      </ol>
      <div className="transcript-actions">
        <button type="button" className="btn btn-secondary" data-testid="transcript-download-txt" onClick={() => download('txt')}>
          Download .txt
        </button>
        <button type="button" className="btn btn-secondary" data-testid="transcript-download-json" onClick={() => download('json')}>
          Download .json
        </button>
      </div>
    </SidePanel>
  );
}
