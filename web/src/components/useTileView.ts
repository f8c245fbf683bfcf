import { useContext, useEffect, type RefObject } from 'react';
import { TileViewContext } from './VideoLayerScope';

/**
 * Reports how a remote camera's video element is shown: its size (ResizeObserver) and
 * whether any of it is on screen (IntersectionObserver; display:none counts as hidden).
 * The receiver then gets the layer that size needs, or no video while it is not seen.
 */
export function useTileView(ref: RefObject<HTMLElement | null>, peerId: string, enabled: boolean): void {
  const sink = useContext(TileViewContext);
  useEffect(() => {
    const el = ref.current;
    if (!el || !sink || !enabled || typeof IntersectionObserver === 'undefined' || typeof ResizeObserver === 'undefined') return;
    // Until the first observation says otherwise: shown, at its layout size.
    let visible = true;
    const report = () =>
      sink(peerId, { visible, width: el.clientWidth, height: el.clientHeight, devicePixelRatio: window.devicePixelRatio || 1 });
    const io = new IntersectionObserver((entries) => {
      const last = entries[entries.length - 1];
      if (!last) return;
      visible = last.isIntersecting;
      report();
    });
    const ro = new ResizeObserver(report);
    io.observe(el);
    ro.observe(el);
    report();
    return () => {
      io.disconnect();
      ro.disconnect();
      sink(peerId, undefined);
    };
  }, [ref, sink, peerId, enabled]);
}
