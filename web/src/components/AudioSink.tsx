import { useEffect, useRef, type ReactElement } from 'react';

/**
 * Plays one remote audio track. Hidden: audio has no picture. `volume` ducks a speaker's
 * own voice under its translation; `kind` tells original and translated voices apart.
 */
export function AudioSink({
  track,
  peerId,
  volume = 1,
  kind = 'original',
  language,
  sinkId,
}: {
  track: MediaStreamTrack;
  peerId: string;
  volume?: number;
  kind?: 'original' | 'translation';
  language?: string;
  /** The chosen speaker (a deviceId); undefined: the browser's default. */
  sinkId?: string;
}): ReactElement {
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
  useEffect(() => {
    if (ref.current) ref.current.volume = volume;
  }, [volume]);
  useEffect(() => {
    const el = ref.current;
    if (!el || sinkId === undefined || typeof el.setSinkId !== 'function' || el.sinkId === sinkId) return;
    el.setSinkId(sinkId).catch((err: unknown) => console.warn('[AudioSink] setSinkId failed', err));
  }, [sinkId]);
  return (
    <audio
      ref={ref}
      autoPlay
      data-testid={kind === 'translation' ? 'translation-audio' : 'remote-audio'}
      data-peer-id={peerId}
      data-volume={String(volume)}
      data-language={language}
    />
  );
}
