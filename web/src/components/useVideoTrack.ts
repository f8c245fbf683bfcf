import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * Plays `track` in the returned video element. `hasFrame` turns true once a frame is shown
 * (until then the element would be black: callers show a placeholder); `onFirstFrame` is
 * called then, once per track.
 */
export function useVideoTrack(
  track: MediaStreamTrack | undefined,
  onFirstFrame?: () => void,
): { videoRef: RefObject<HTMLVideoElement | null>; hasFrame: boolean } {
  const videoRef = useRef<HTMLVideoElement>(null);
  const firstFrameCb = useRef(onFirstFrame);
  firstFrameCb.current = onFirstFrame;
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

  return { videoRef, hasFrame };
}
