import { useLayoutEffect, useRef, useState, type ReactElement, type ReactNode } from 'react';
import { bestGrid } from '../layout/gridLayout';

/** Lays tiles out in the grid that makes each one largest for the stage's current size. */
export function VideoGrid({ count, children }: { count: number; children: ReactNode }): ReactElement {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const { cols, rows } = bestGrid(count, size.width, size.height);
  return (
    <div
      ref={ref}
      className="grid"
      data-testid="video-grid"
      style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, minmax(0, 1fr))` }}
    >
      {children}
    </div>
  );
}
