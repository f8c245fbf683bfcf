import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { ChatMessage } from '../call/callState';
import { MAX_CHAT_LENGTH } from '../signaling/protocol';
import { SendIcon } from './icons';
import { SidePanel } from './SidePanel';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function ChatPanel(props: {
  messages: readonly ChatMessage[];
  onSend: (text: string) => Promise<boolean>;
  onClose: () => void;
  /** False when the join token does not allow chat: messages are shown, the input is not. */
  canSend?: boolean;
}): ReactElement {
  const [draft, setDraft] = useState('');
  const [sending, setSending] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);
  /** Messages whose original the reader asked to see instead of the translation. */
  const [originals, setOriginals] = useState<ReadonlySet<string>>(() => new Set());
  const toggleOriginal = (key: string) =>
    setOriginals((prev) => {
      const next = new Set(prev);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  useEffect(() => {
    const el = listRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [props.messages.length]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft.trim() === '' || sending) return;
    setSending(true);
    const ok = await props.onSend(draft);
    setSending(false);
    if (ok) setDraft('');
  };

  return (
    <SidePanel title="In-call messages" testId="chat-panel" onClose={props.onClose}>
      <ol className="chat-list" ref={listRef}>
        {props.messages.length === 0 ? (
          <li className="chat-empty">Messages can only be seen by people in the call and are gone when the call ends.</li>
        ) : null}
        {props.messages.map((m) => {
          const key = `${m.peerId}:${m.id}`;
          // Our own messages are shown as typed.
          const translation = m.fromSelf ? undefined : m.translation;
          const showOriginal = translation === undefined || originals.has(key);
          return (
            <li
              key={key}
              className={`chat-msg${m.fromSelf ? ' self' : ''}`}
              data-testid="chat-message"
              data-peer-id={m.peerId}
              data-translated={showOriginal ? 'false' : 'true'}
            >
              <div className="chat-meta">
                <span className="chat-sender" data-testid="chat-sender">{m.fromSelf ? 'You' : m.displayName}</span>
                <time dateTime={new Date(m.timestamp).toISOString()}>{timeFormat.format(m.timestamp)}</time>
              </div>
              <p className="chat-text" data-testid="chat-text" lang={showOriginal ? m.language : translation.language}>
                {showOriginal ? m.text : translation.text}
              </p>
              {translation ? (
                <button type="button" className="link-btn" data-testid="chat-show-original" onClick={() => toggleOriginal(key)}>
                  {showOriginal
                    ? 'Show translation'
                    : `Show original${translation.via?.length ? ` · translated via ${translation.via.join(', ')}` : ''}`}
                </button>
              ) : null}
            </li>
          );
        })}
      </ol>
      {props.canSend === false ? (
        <p className="chat-empty" data-testid="chat-not-allowed">Your invitation does not allow sending messages.</p>
      ) : (
        <form className="chat-form" onSubmit={submit}>
          <input
            data-testid="chat-input"
            value={draft}
            maxLength={MAX_CHAT_LENGTH}
            placeholder="Send a message to everyone"
            aria-label="Message"
            onChange={(e) => setDraft(e.target.value)}
          />
          <button type="submit" className="icon-btn" data-testid="chat-send" title="Send" disabled={draft.trim() === '' || sending}>
            <SendIcon />
          </button>
        </form>
      )}
    </SidePanel>
  );
}
