import type { ReactElement } from 'react';
import { initials } from '../call/callState';
import { CamIcon, CamOffIcon } from './icons';
import { PeerMicState } from './SpeakingIndicator';
import { SidePanel } from './SidePanel';

export interface ParticipantRow {
  peerId: string;
  name: string;
  isSelf: boolean;
  micMuted: boolean;
  camOff: boolean;
  /** Connection dropped; the server holds the peer for a resume. */
  reconnecting?: boolean;
  /** Name of the language the person speaks, when known. */
  speaks?: string;
  speaksCode?: string;
}

export function ParticipantsPanel({ rows, onClose }: { rows: ParticipantRow[]; onClose: () => void }): ReactElement {
  return (
    <SidePanel title={`People (${rows.length})`} testId="participants-panel" onClose={onClose}>
      <ul className="people-list">
        {rows.map((r) => (
          <li
            key={r.peerId}
            className="person"
            data-testid="participant"
            data-peer-id={r.peerId}
            data-self={r.isSelf ? 'true' : 'false'}
            data-mic-muted={r.micMuted ? 'true' : 'false'}
            data-cam-off={r.camOff ? 'true' : 'false'}
            data-reconnecting={r.reconnecting ? 'true' : 'false'}
          >
            <span className="avatar small">{initials(r.name)}</span>
            <span className="person-name">
              {r.name}
              {r.isSelf ? <span className="you"> (You)</span> : null}
              {r.reconnecting ? (
                <span className="person-reconnecting" data-testid="participant-reconnecting">
                  Reconnecting…
                </span>
              ) : null}
              {r.speaks ? (
                <span className="person-lang" data-testid="participant-language" data-language={r.speaksCode}>
                  Speaks {r.speaks}
                </span>
              ) : null}
            </span>
            <span className="person-state">
              <PeerMicState peerId={r.peerId} micMuted={r.micMuted} />
              {r.camOff ? <CamOffIcon title="Camera off" /> : <CamIcon />}
            </span>
          </li>
        ))}
      </ul>
    </SidePanel>
  );
}
