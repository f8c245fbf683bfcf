import { createContext, useCallback, useEffect, type ReactElement, type ReactNode } from 'react';
import type { TileView } from '../call/layerChoice';
import type { VideoLayerControl } from '../call/VideoLayerControl';

/** Where remote camera tiles report how they are shown (useTileView). */
export type TileViewSink = (peerId: string, view: TileView | undefined) => void;

export const TileViewContext = createContext<TileViewSink | undefined>(undefined);

/**
 * Gives the tiles inside it a VideoLayerControl to report to, and tells it when the page
 * goes to the background (another tab, a minimised window): nobody sees video then.
 */
export function VideoLayerScope({ control, children }: { control: VideoLayerControl; children: ReactNode }): ReactElement {
  useEffect(() => {
    const update = () => control.setPageVisible(document.visibilityState !== 'hidden');
    update();
    document.addEventListener('visibilitychange', update);
    return () => document.removeEventListener('visibilitychange', update);
  }, [control]);
  // Stable across renders: a new sink would make every tile re-observe (and re-report).
  const sink = useCallback<TileViewSink>((peerId, view) => control.setTileView(peerId, view), [control]);
  return <TileViewContext.Provider value={sink}>{children}</TileViewContext.Provider>;
}
