// Picks the tile grid for the call stage: the column count that gives each tile the
// largest area at the camera's aspect ratio (so a phone in portrait stacks tiles, a
// laptop puts them side by side).

export interface GridShape {
  cols: number;
  rows: number;
}

export function bestGrid(count: number, width: number, height: number, aspect = 4 / 3, gap = 10): GridShape {
  const n = Math.max(1, count);
  if (!(width > 0) || !(height > 0)) return fallbackGrid(n);
  let best: GridShape = { cols: 1, rows: n };
  let bestArea = -1;
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const cellW = (width - gap * (cols - 1)) / cols;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    // The video area a cell shows at the given aspect (letterboxed inside the cell).
    const w = Math.min(cellW, cellH * aspect);
    const area = w * (w / aspect);
    if (area > bestArea + 1e-6) {
      bestArea = area;
      best = { cols, rows };
    }
  }
  return best;
}

/** Before the stage is measured: near-square. */
export function fallbackGrid(count: number): GridShape {
  const n = Math.max(1, count);
  const cols = Math.ceil(Math.sqrt(n));
  return { cols, rows: Math.ceil(n / cols) };
}
