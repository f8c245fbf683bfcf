import { useState, type FormEvent, type ReactElement } from 'react';
import { checkPasscode, MAX_PASSCODE_LENGTH, rememberCreatorPasscode } from '../access/roomAccess';
import { navigate } from '../app/navigation';
import { checkDisplayName, loadDisplayName, saveDisplayName } from '../app/displayName';
import { generateRoomId, parseRoomInput, roomPath } from '../room/roomId';

export function Landing(): ReactElement {
  const [name, setName] = useState(loadDisplayName);
  const [roomInput, setRoomInput] = useState('');
  const [passcode, setPasscode] = useState('');
  const [error, setError] = useState<string | undefined>();

  const withName = (): string | undefined => {
    const checked = checkDisplayName(name);
    if (!checked.ok) {
      setError(checked.error);
      return undefined;
    }
    saveDisplayName(checked.name);
    return checked.name;
  };

  const onCreate = () => {
    if (!withName()) return;
    const roomId = generateRoomId();
    if (passcode !== '') {
      const checked = checkPasscode(passcode);
      if (!checked.ok) {
        setError(checked.error);
        return;
      }
      rememberCreatorPasscode(roomId, checked.passcode);
    }
    navigate(roomPath(roomId), { autoJoin: true });
  };

  const onJoin = (e: FormEvent) => {
    e.preventDefault();
    const roomId = parseRoomInput(roomInput);
    if (!roomId) {
      setError('Enter a room code like abc-defg-hij or paste a room link.');
      return;
    }
    if (!withName()) return;
    navigate(roomPath(roomId), { autoJoin: true });
  };

  return (
    <main className="landing">
      <section className="landing-card">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">JB</span>
          <h1>JB Calling</h1>
        </div>
        <p className="tagline">Video calls in your browser. No install, just share the link.</p>

        <label className="field">
          <span>Your name</span>
          <input
            data-testid="display-name-input"
            value={name}
            maxLength={64}
            autoComplete="name"
            placeholder="e.g. Alex Morgan"
            onChange={(e) => {
              setName(e.target.value);
              setError(undefined);
            }}
          />
        </label>

        <label className="field">
          <span>Passcode for a new meeting (optional)</span>
          <input
            data-testid="create-passcode-input"
            type="password"
            value={passcode}
            maxLength={MAX_PASSCODE_LENGTH * 2}
            autoComplete="new-password"
            placeholder="Anyone with the link can join if empty"
            onChange={(e) => {
              setPasscode(e.target.value);
              setError(undefined);
            }}
          />
        </label>

        <button type="button" className="btn btn-primary btn-wide" data-testid="create-room-button" onClick={onCreate}>
          New meeting
        </button>

        <div className="divider"><span>or join one</span></div>

        <form className="join-row" onSubmit={onJoin}>
          <input
            data-testid="room-id-input"
            value={roomInput}
            placeholder="Room code or link"
            aria-label="Room code or link"
            onChange={(e) => {
              setRoomInput(e.target.value);
              setError(undefined);
            }}
          />
          <button type="submit" className="btn btn-secondary" data-testid="join-room-button" disabled={roomInput.trim() === ''}>
            Join
          </button>
        </form>

        {error ? (
          <p className="form-error" role="alert" data-testid="landing-error">
            {error}
          </p>
        ) : null}
      </section>
    </main>
  );
}
