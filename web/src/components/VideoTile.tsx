import { useEffect, useRef, useState, type ReactElement } from 'react';
import { initials } from '../call/callState';
import { MicOffIcon } from './icons';

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
  const videoRef = useRef<HTMLVideoElement>(null);
  const firstFrameCb = useRef(onFirstFrame);
  firstFrameCb.current = onFirstFrame;
  // Until a frame arrives the element would be black: show the avatar instead.
  const [hasFrame, setHasFrame] = useState(false);

  useEffect(() => {
    const el = videoRef.current;
    if (!el || !track) return;
    el.srcObject = new MediaStream([track]);
    el.play().catch(() => {
      // Muted video may autoplay; if not, 'loadeddata' still tells us it works.
    });
    setHasFrame(false);
    let reported = false;
    const report = () => {
      if (reported) return;
      reported = true;
      setHasFrame(true);
      firstFrameCb.current?.();
    };
    el.addEventListener('loadeddata', report);
    // Not in every browser; 'loadeddata' covers the rest.
    const hasRvfc = typeof el.requestVideoFrameCallback === 'function';
    const handle = hasRvfc ? el.requestVideoFrameCallback(report) : undefined;
    return () => {
      el.removeEventListener('loadeddata', report);
      if (handle !== undefined) el.cancelVideoFrameCallback(handle);
      el.srcObject = null;
    };
  }, [track]);

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
