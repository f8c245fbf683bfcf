import { useState, type FormEvent, type ReactElement } from 'react';
import { checkDisplayName, loadDisplayName, saveDisplayName } from '../app/displayName';

/** `fixedName`: the name from a join token, shown but not editable (the server uses it anyway). */
export function NamePrompt({
  roomId,
  fixedName,
  onJoin,
}: {
  roomId: string;
  fixedName?: string | undefined;
  onJoin: (name: string) => void;
}): ReactElement {
  const [typedName, setName] = useState(loadDisplayName);
  const name = fixedName ?? typedName;
  const [error, setError] = useState<string | undefined>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = fixedName !== undefined ? ({ ok: true, name: fixedName } as const) : checkDisplayName(name);
    if (!checked.ok) {
      setError(checked.error);
      return;
    }
    if (fixedName === undefined) saveDisplayName(checked.name);
    onJoin(checked.name);
  };

  return (
    <main className="landing">
      <form className="landing-card" onSubmit={submit} data-testid="name-prompt">
        <h1>Ready to join?</h1>
        <p className="tagline">
          Room <code data-testid="prompt-room-id">{roomId}</code>
        </p>
        <label className="field">
          <span>Your name</span>
          <input
            data-testid="display-name-input"
            value={name}
            readOnly={fixedName !== undefined}
            maxLength={64}
            autoFocus
            autoComplete="name"
            placeholder="e.g. Alex Morgan"
            onChange={(e) => {
              setName(e.target.value);
              setError(undefined);
            }}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-wide" data-testid="join-button">
          Join now
        </button>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <a className="link-quiet" href="/">Back to home</a>
      </form>
    </main>
  );
}
