import { useEffect, useRef, type ReactElement } from 'react';

/** Plays one remote audio track. Hidden: audio has no picture. */
export function AudioSink({ track, peerId }: { track: MediaStreamTrack; peerId: string }): ReactElement {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    el.play().catch((err: unknown) => console.warn('[AudioSink] autoplay blocked', err));
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return <audio ref={ref} autoPlay data-testid="remote-audio" data-peer-id={peerId} />;
}
