import type { ReactElement } from 'react';
import { initials } from '../call/callState';
import { MicOffIcon } from './icons';
import { useVideoTrack } from './useVideoTrack';

export interface VideoTileProps {
  peerId: string;
  name: string;
  track: MediaStreamTrack | undefined;
  camOff: boolean;
  micMuted: boolean;
  isSelf: boolean;
  /** Called once, when the first frame of a remote video is ready. */
  onFirstFrame?: () => void;
}

export function VideoTile(props: VideoTileProps): ReactElement {
  const { peerId, name, track, camOff, micMuted, isSelf, onFirstFrame } = props;
  // Until a frame arrives the element would be black: show the avatar instead.
  const { videoRef, hasFrame } = useVideoTrack(track, onFirstFrame);

  const showVideo = track !== undefined && !camOff && hasFrame;
  const label = isSelf ? `${name} (You)` : name || 'Guest';

  return (
    <figure
      className={`tile${isSelf ? ' tile-self' : ''}`}
      data-testid="tile"
      data-peer-id={peerId}
      data-self={isSelf ? 'true' : 'false'}
      data-cam-off={camOff ? 'true' : 'false'}
      data-mic-muted={micMuted ? 'true' : 'false'}
      data-video-playing={showVideo ? 'true' : 'false'}
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
      <figcaption className="tile-caption">
        {micMuted ? (
          <span className="tile-muted" data-testid="tile-mic-muted">
            <MicOffIcon title="Microphone off" />
          </span>
        ) : null}
        <span className="tile-name" data-testid="tile-name">{label}</span>
      </figcaption>
    </figure>
  );
}
