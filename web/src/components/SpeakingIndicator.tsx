import type { CSSProperties, ReactElement } from 'react';
import { MicIcon, MicOffIcon } from './icons';
import { useSpeaker } from './SpeakerContext';

/** Three bars that bounce while the peer speaks, taller when louder; flat when silent. */
export function SpeakingIndicator({ speaking, intensity }: { speaking: boolean; intensity: number }): ReactElement {
  return (
    <span
      className={`speaking-indicator${speaking ? ' speaking' : ''}`}
      data-testid="speaking-indicator"
      data-speaking={speaking ? 'true' : 'false'}
      style={{ '--speaking-intensity': String(speaking ? intensity : 0) } as CSSProperties}
      role="img"
      aria-label={speaking ? 'Speaking' : 'Not speaking'}
    >
      <span className="bar" />
      <span className="bar" />
      <span className="bar" />
    </span>
  );
}

/** A participant row's microphone state: off, idle, or the bars while speaking (dominant marked). */
export function PeerMicState({ peerId, micMuted }: { peerId: string; micMuted: boolean }): ReactElement {
  const speaker = useSpeaker(peerId);
  const speaking = speaker.speaking && !micMuted;
  return (
    <span
      className={`person-mic${speaker.dominant ? ' person-dominant' : ''}`}
      data-testid="participant-mic"
      data-dominant-speaker={speaker.dominant ? 'true' : 'false'}
      data-speaking={speaking ? 'true' : 'false'}
    >
      {micMuted ? <MicOffIcon title="Microphone off" /> : speaking ? <SpeakingIndicator speaking intensity={speaker.intensity} /> : <MicIcon />}
    </span>
  );
}
