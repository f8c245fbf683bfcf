import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type ReactElement } from 'react';
import { consumeAutoJoin } from '../app/navigation';
import { loadDisplayName, checkDisplayName } from '../app/displayName';
import { CallSession, browserDeps } from '../call/CallSession';
import { setActiveSession } from '../call/testHooks';
import { initialCallState } from '../call/callState';
import { CallView } from './CallView';
import { EndScreen } from './EndScreen';
import { ErrorBanner } from './ErrorBanner';
import { NamePrompt } from './NamePrompt';

const noSubscribe = () => () => {};
const idleState = initialCallState();

export function RoomPage({ roomId }: { roomId: string }): ReactElement {
  const [session, setSession] = useState<CallSession | undefined>();
  const [name, setName] = useState<string | undefined>();
  const autoJoinChecked = useRef(false);

  const start = useCallback(
    (displayName: string) => {
      const s = new CallSession(browserDeps());
      setActiveSession(s);
      setName(displayName);
      setSession(s);
      void s.join(roomId, displayName);
    },
    [roomId],
  );

  // Coming from the landing page with a name already given: join straight away.
  useEffect(() => {
    if (autoJoinChecked.current) return;
    autoJoinChecked.current = true;
    if (!consumeAutoJoin()) return;
    const checked = checkDisplayName(loadDisplayName());
    if (checked.ok) start(checked.name);
  }, [start]);

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

  if (!session || !name) return <NamePrompt roomId={roomId} onJoin={start} />;

  if (state.phase === 'left') return <EndScreen kind="left" onRejoin={() => start(name)} />;
  if (state.phase === 'failed') {
    return (
      <>
        <ErrorBanner errors={state.errors} onDismiss={(id) => session.dismissError(id)} />
        <EndScreen kind="failed" message="The connection to the call failed." onRejoin={() => start(name)} />
      </>
    );
  }
  return <CallView session={session} onLeave={() => void session.leave()} />;
}
