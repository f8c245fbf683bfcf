import { useState, type FormEvent, type ReactElement } from 'react';
import { checkPasscode, MAX_PASSCODE_LENGTH } from '../access/roomAccess';

/** Asks a joiner for the room's passcode; `message` says why it is asked again. */
export function PasscodePrompt(props: {
  roomId: string;
  message: string | undefined;
  onSubmit: (passcode: string) => void;
}): ReactElement {
  const [passcode, setPasscode] = useState('');
  const [error, setError] = useState<string | undefined>(props.message);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkPasscode(passcode);
    if (!checked.ok) {
      setError(checked.error);
      return;
    }
    props.onSubmit(checked.passcode);
  };

  return (
    <main className="landing">
      <form className="landing-card" onSubmit={submit} data-testid="passcode-prompt">
        <h1>This room has a passcode</h1>
        <p className="tagline">
          Room <code>{props.roomId}</code>. Ask the person who created it for the passcode.
        </p>
        <label className="field">
          <span>Passcode</span>
          <input
            data-testid="passcode-input"
            type="password"
            value={passcode}
            maxLength={MAX_PASSCODE_LENGTH * 2}
            autoFocus
            autoComplete="off"
            onChange={(e) => {
              setPasscode(e.target.value);
              setError(undefined);
            }}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-wide" data-testid="passcode-submit">
          Join now
        </button>
        {error ? (
          <p className="form-error" role="alert" data-testid="passcode-error">
            {error}
          </p>
        ) : null}
        <a className="link-quiet" href="/">Back to home</a>
      </form>
    </main>
  );
}
