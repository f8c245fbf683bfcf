import type { ReactElement } from 'react';
import {
  CamIcon,
  CamOffIcon,
  CaptionsIcon,
  ChatIcon,
  HangupIcon,
  LinkIcon,
  MicIcon,
  MicOffIcon,
  PeopleIcon,
  ScreenShareIcon,
  StopScreenShareIcon,
  TranscriptIcon,
  TranslateIcon,
} from './icons';
import { SettingsIcon } from './SettingsIcon';

export interface ControlBarProps {
  roomId: string;
  micOn: boolean;
  camOn: boolean;
  micAvailable: boolean;
  camAvailable: boolean;
  /** We share our screen now. */
  screenSharing: boolean;
  /** The browser can capture a screen and we may publish. */
  canShareScreen: boolean;
  chatOpen: boolean;
  participantsOpen: boolean;
  captionsOn: boolean;
  languageOpen: boolean;
  transcriptOpen: boolean;
  settingsOpen: boolean;
  unreadChat: number;
  participantCount: number;
  onToggleMic: () => void;
  onToggleCam: () => void;
  onToggleScreenShare: () => void;
  onCopyLink: () => void;
  onToggleChat: () => void;
  onToggleParticipants: () => void;
  onToggleCaptions: () => void;
  onToggleLanguage: () => void;
  onToggleTranscript: () => void;
  onToggleSettings: () => void;
  onLeave: () => void;
}

export function ControlBar(p: ControlBarProps): ReactElement {
  return (
    <footer className="controls">
      <div className="controls-left">
        <span className="room-code" title="Room code">{p.roomId}</span>
      </div>
      <div className="controls-center">
        <button
          type="button"
          className={`round-btn${p.micOn ? '' : ' off'}`}
          data-testid="mic-button"
          aria-pressed={p.micOn}
          disabled={!p.micAvailable}
          title={p.micAvailable ? (p.micOn ? 'Turn off microphone' : 'Turn on microphone') : 'No microphone'}
          onClick={p.onToggleMic}
        >
          {p.micOn ? <MicIcon /> : <MicOffIcon />}
        </button>
        <button
          type="button"
          className={`round-btn${p.camOn ? '' : ' off'}`}
          data-testid="cam-button"
          aria-pressed={p.camOn}
          disabled={!p.camAvailable}
          title={p.camAvailable ? (p.camOn ? 'Turn off camera' : 'Turn on camera') : 'No camera'}
          onClick={p.onToggleCam}
        >
          {p.camOn ? <CamIcon /> : <CamOffIcon />}
        </button>
        <button
          type="button"
          className={`round-btn${p.screenSharing ? ' on' : ''}`}
          data-testid="screen-share-button"
          aria-pressed={p.screenSharing}
          disabled={!p.canShareScreen && !p.screenSharing}
          title={p.screenSharing ? 'Stop sharing your screen' : p.canShareScreen ? 'Share screen' : 'Screen sharing is not available'}
          onClick={p.onToggleScreenShare}
        >
          {p.screenSharing ? <StopScreenShareIcon /> : <ScreenShareIcon />}
        </button>
        <button
          type="button"
          className={`round-btn${p.captionsOn ? ' on' : ''}`}
          data-testid="captions-toggle"
          aria-pressed={p.captionsOn}
          title={p.captionsOn ? 'Turn off captions' : 'Turn on captions'}
          onClick={p.onToggleCaptions}
        >
          <CaptionsIcon />
        </button>
        <button type="button" className="round-btn" data-testid="copy-link-button" title="Copy meeting link" onClick={p.onCopyLink}>
          <LinkIcon />
        </button>
        <button type="button" className="pill-btn leave" data-testid="leave-button" title="Leave call" onClick={p.onLeave}>
          <HangupIcon />
        </button>
      </div>
      <div className="controls-right">
        <button
          type="button"
          className={`icon-btn${p.settingsOpen ? ' active' : ''}`}
          data-testid="settings-toggle"
          aria-pressed={p.settingsOpen}
          aria-label="Settings"
          title="Settings"
          onClick={p.onToggleSettings}
        >
          <SettingsIcon />
        </button>
        <button
          type="button"
          className={`icon-btn${p.languageOpen ? ' active' : ''}`}
          data-testid="language-toggle"
          aria-pressed={p.languageOpen}
          title="Language & captions"
          onClick={p.onToggleLanguage}
        >
          <TranslateIcon />
        </button>
        <button
          type="button"
          className={`icon-btn${p.transcriptOpen ? ' active' : ''}`}
          data-testid="transcript-toggle"
          aria-pressed={p.transcriptOpen}
          title="Transcript"
          onClick={p.onToggleTranscript}
        >
          <TranscriptIcon />
        </button>
        <button
          type="button"
          className={`icon-btn${p.participantsOpen ? ' active' : ''}`}
          data-testid="participants-toggle"
          aria-pressed={p.participantsOpen}
          title="Participants"
          onClick={p.onToggleParticipants}
        >
          <PeopleIcon />
          <span className="count-badge" data-testid="participant-count">{p.participantCount}</span>
        </button>
        <button
          type="button"
          className={`icon-btn${p.chatOpen ? ' active' : ''}`}
          data-testid="chat-toggle"
          aria-pressed={p.chatOpen}
          title="Chat"
          onClick={p.onToggleChat}
        >
          <ChatIcon />
          {p.unreadChat > 0 && !p.chatOpen ? (
            <span className="unread-badge" data-testid="chat-unread">{p.unreadChat > 99 ? '99+' : p.unreadChat}</span>
          ) : null}
        </button>
      </div>
    </footer>
  );
}
