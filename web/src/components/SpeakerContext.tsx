import { createContext, useContext, useSyncExternalStore, type ReactElement, type ReactNode } from 'react';
import { initialSpeakerState, selectSpeaker, type ActiveSpeakerTracker, type SpeakerState, type SpeakerView } from '../call/activeSpeaker';

const SpeakerContext = createContext<ActiveSpeakerTracker | undefined>(undefined);
const NOBODY = initialSpeakerState();
const noSubscription = () => () => {};

/** Makes the session's speaker state reachable from tiles and rows without threading props. */
export function SpeakerProvider({ tracker, children }: { tracker: ActiveSpeakerTracker; children: ReactNode }): ReactElement {
  return <SpeakerContext.Provider value={tracker}>{children}</SpeakerContext.Provider>;
}

function useSpeakerState(): SpeakerState {
  const tracker = useContext(SpeakerContext);
  const get = tracker?.store.getState ?? (() => NOBODY);
  return useSyncExternalStore(tracker?.store.subscribe ?? noSubscription, get, get);
}

/** Dominant / speaking / bar intensity for one peer (nothing outside a SpeakerProvider). */
export function useSpeaker(peerId: string | undefined): SpeakerView {
  return selectSpeaker(useSpeakerState(), peerId);
}
