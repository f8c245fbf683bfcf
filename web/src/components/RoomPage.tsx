import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactElement } from 'react';
import { accessProblemOf, readTokenHints, takeCreatorPasscode, takeRoomToken } from '../access/roomAccess';
import { consumeAutoJoin } from '../app/navigation';
import { loadDisplayName, checkDisplayName } from '../app/displayName';
import { CallSession } from '../call/CallSession';
import { browserDeps } from '../call/browserDeps';
import { setActiveSession } from '../call/testHooks';
import { initialCallState } from '../call/callState';
import { AccessDenied } from './AccessDenied';
import { CallView } from './CallView';
import { EndScreen } from './EndScreen';
import { ErrorBanner } from './ErrorBanner';
import { NamePrompt } from './NamePrompt';
import { PasscodePrompt } from './PasscodePrompt';

const noSubscribe = () => () => {};
const idleState = initialCallState();

function tabStorage(): Storage | undefined {
  try {
    return sessionStorage;
  } catch {
    return undefined;
  }
}

export function RoomPage({ roomId }: { roomId: string }): ReactElement {
  const [session, setSession] = useState<CallSession | undefined>();
  const [name, setName] = useState<string | undefined>();
  const autoJoinChecked = useRef(false);
  // The token leaves the address bar at once, so "copy link" never shares it.
  const [token] = useState(() =>
    takeRoomToken(roomId, location, (url) => history.replaceState(history.state, '', url), tabStorage()),
  );
  const tokenName = token ? readTokenHints(token)?.displayName : undefined;
  // The creator's passcode, or the one a joiner typed; kept for "Rejoin".
  const passcode = useRef<string | undefined>(undefined);

  const start = useCallback(
    (displayName: string, newPasscode?: string) => {
      if (newPasscode !== undefined) passcode.current = newPasscode;
      const s = new CallSession(browserDeps());
      setActiveSession(s);
      setName(displayName);
      setSession(s);
      void s.join(roomId, displayName, { token, passcode: passcode.current });
    },
    [roomId, token],
  );

  // Coming from the landing page with a name already given: join straight away.
  useEffect(() => {
    if (autoJoinChecked.current) return;
    autoJoinChecked.current = true;
    if (!consumeAutoJoin()) return;
    passcode.current = takeCreatorPasscode(roomId);
    const checked = checkDisplayName(loadDisplayName());
    if (checked.ok) start(checked.name);
  }, [start, roomId]);

  // Leaving the page (tab close, navigation) frees the call.
  useEffect(() => {
    if (!session) return;
    const onHide = () => void session.leave();
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('pagehide', onHide);
      void session.leave();
    };
  }, [session]);

  const state = useSyncExternalStore(
    session ? session.store.subscribe : noSubscribe,
    session ? session.store.getState : () => idleState,
  );

  useEffect(() => {
    document.title = session && state.phase === 'joined' ? `${roomId} · JB Calling` : 'JB Calling';
  }, [session, state.phase, roomId]);

  if (!session || !name) return <NamePrompt roomId={roomId} fixedName={tokenName} onJoin={(n) => start(n)} />;

  if (state.phase === 'left') return <EndScreen kind="left" onRejoin={() => start(name)} />;
  const denied = state.phase === 'failed' ? accessProblemOf(state.errors) : undefined;
  if (denied?.kind === 'passcode') {
    // key: a fresh form (and message) per failed attempt.
    return (
      <PasscodePrompt
        key={state.errors.at(-1)?.id}
        roomId={roomId}
        message={denied.message}
        onSubmit={(p) => start(name, p)}
      />
    );
  }
  if (denied?.kind === 'token') return <AccessDenied code={denied.code} title={denied.title} message={denied.message} />;
  if (state.phase === 'failed') {
    const gaveUp = state.errors.some((e) => e.fatal && e.code === 'reconnect_failed');
    return (
      <>
        <ErrorBanner errors={state.errors} onDismiss={(id) => session.dismissError(id)} />
        <EndScreen
          kind="failed"
          title={gaveUp ? "Couldn't reconnect" : undefined}
          message={gaveUp ? 'The server could not be reached for a minute.' : 'The connection to the call failed.'}
          onRejoin={() => start(name)}
        />
      </>
    );
  }
  return <CallView session={session} onLeave={() => void session.leave()} />;
}
