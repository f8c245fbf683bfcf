import type { ReactElement } from 'react';
import type { ScreenView } from '../call/callState';
import { ScreenShareIcon } from './icons';
import { useVideoTrack } from './useVideoTrack';

export interface ScreenTileProps {
  screen: ScreenView;
  /** Shown large in the presentation view (else small, in the strip). */
  featured: boolean;
  /** Our own preview: a stop control on the tile. */
  onStop?: () => void;
  /** A small tile: clicking it features it. */
  onSelect?: () => void;
}

/** A shared screen: someone's presentation, or the preview of our own. */
export function ScreenTile({ screen, featured, onStop, onSelect }: ScreenTileProps): ReactElement {
  const { videoRef, hasFrame } = useVideoTrack(screen.track);
  const name = screen.displayName || 'Guest';
  const showVideo = screen.track !== undefined && !screen.paused && hasFrame;
  const label = screen.isSelf ? 'You are presenting' : `${name} is presenting`;
  const select = !featured && onSelect ? onSelect : undefined;

  return (
    <figure
      className={`tile screen-tile${featured ? ' featured' : ''}${select ? ' selectable' : ''}`}
      data-testid="screen-tile"
      data-peer-id={screen.peerId}
      data-self={screen.isSelf ? 'true' : 'false'}
      data-featured={featured ? 'true' : 'false'}
      data-video-playing={showVideo ? 'true' : 'false'}
      onClick={select}
      title={select ? `Show ${screen.isSelf ? 'your screen' : `${name}'s screen`} large` : undefined}
    >
      {/* A screen is shown whole (contain) and never mirrored: text must stay readable. */}
      <video ref={videoRef} className="tile-video screen-video" autoPlay playsInline muted />
      {showVideo ? null : (
        <div className="tile-placeholder screen-placeholder">
          <span>{screen.paused ? 'Presentation paused' : `Loading ${screen.isSelf ? 'your' : `${name}'s`} screen…`}</span>
        </div>
      )}
      <figcaption className="tile-caption">
        <span className="tile-name screen-name" data-testid="screen-tile-name">
          <ScreenShareIcon />
          {label}
        </span>
        {onStop ? (
          <button
            type="button"
            className="screen-stop"
            data-testid="screen-stop-button"
            onClick={(e) => {
              e.stopPropagation();
              onStop();
            }}
          >
            Stop presenting
          </button>
        ) : null}
      </figcaption>
    </figure>
  );
}
