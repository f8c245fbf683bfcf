import type { ReactElement } from 'react';
import { initials } from '../call/callState';
import { MicOffIcon } from './icons';
import { useSpeaker } from './SpeakerContext';
import { SpeakingIndicator } from './SpeakingIndicator';
import { useTileView } from './useTileView';
import { useVideoTrack } from './useVideoTrack';

export interface VideoTileProps {
  peerId: string;
  name: string;
  track: MediaStreamTrack | undefined;
  camOff: boolean;
  micMuted: boolean;
  isSelf: boolean;
  /** The peer's connection dropped and the server holds it for a resume. */
  reconnecting?: boolean;
  /** Called once, when the first frame of a remote video is ready. */
  onFirstFrame?: () => void;
}

export function VideoTile(props: VideoTileProps): ReactElement {
  const { peerId, name, track, camOff, micMuted, isSelf, onFirstFrame, reconnecting = false } = props;
  // Until a frame arrives the element would be black: show the avatar instead.
  const { videoRef, hasFrame } = useVideoTrack(track, onFirstFrame);
  // Remote cameras get the simulcast layer this element's size needs, and none while hidden.
  useTileView(videoRef, peerId, !isSelf);

  const showVideo = track !== undefined && !camOff && hasFrame;
  const label = isSelf ? `${name} (You)` : name || 'Guest';
  // The room's dominant speaker gets the highlight; anyone speaking now gets moving bars.
  const speaker = useSpeaker(peerId);
  const speaking = speaker.speaking && !micMuted;

  return (
    <figure
      className={`tile${isSelf ? ' tile-self' : ''}${reconnecting ? ' tile-reconnecting' : ''}${speaker.dominant ? ' tile-dominant' : ''}`}
      data-testid="tile"
      data-peer-id={peerId}
      data-self={isSelf ? 'true' : 'false'}
      data-cam-off={camOff ? 'true' : 'false'}
      data-mic-muted={micMuted ? 'true' : 'false'}
      data-video-playing={showVideo ? 'true' : 'false'}
      data-reconnecting={reconnecting ? 'true' : 'false'}
      data-dominant-speaker={speaker.dominant ? 'true' : 'false'}
      data-speaking={speaking ? 'true' : 'false'}
    >
      <video
        ref={videoRef}
        className={`tile-video${isSelf ? ' mirrored' : ''}`}
        autoPlay
        playsInline
        muted
      />
      {/* Overlaid, not display:none: a hidden element might never receive its first frame. */}
      {showVideo ? null : (
        <div className="tile-placeholder" data-testid="tile-cam-off">
          <span className="avatar">{initials(name || 'Guest')}</span>
        </div>
      )}
      {reconnecting ? (
        <div className="tile-reconnecting-overlay" data-testid="tile-reconnecting" role="status">
          <span className="spinner" aria-hidden="true" /> Reconnecting…
        </div>
      ) : null}
      <figcaption className="tile-caption">
        {micMuted ? (
          <span className="tile-muted" data-testid="tile-mic-muted">
            <MicOffIcon title="Microphone off" />
          </span>
        ) : (
          <SpeakingIndicator speaking={speaking} intensity={speaker.intensity} />
        )}
        <span className="tile-name" data-testid="tile-name">{label}</span>
      </figcaption>
    </figure>
  );
}
