import { describe, expect, it } from 'vitest';
import { bestGrid, fallbackGrid } from './gridLayout';

describe('bestGrid', () => {
  it('puts two tiles side by side on a landscape stage', () => {
    expect(bestGrid(2, 1248, 624)).toEqual({ cols: 2, rows: 1 });
  });
  it('stacks two tiles on a portrait phone stage', () => {
    expect(bestGrid(2, 374, 690)).toEqual({ cols: 1, rows: 2 });
  });
  it('uses 2x2 for four tiles on a landscape stage', () => {
    expect(bestGrid(4, 1248, 624)).toEqual({ cols: 2, rows: 2 });
  });
  it('uses a wide row layout on a very wide strip', () => {
    expect(bestGrid(3, 3000, 400)).toEqual({ cols: 3, rows: 1 });
  });
  it('always has room for every tile', () => {
    for (let n = 1; n <= 25; n++) {
      for (const [w, h] of [[1280, 640], [390, 700], [800, 800]] as const) {
        const g = bestGrid(n, w, h);
        expect(g.cols * g.rows).toBeGreaterThanOrEqual(n);
        expect(g.cols * (g.rows - 1)).toBeLessThan(n); // no empty row
      }
    }
  });
  it('falls back to near-square before the stage is measured', () => {
    expect(bestGrid(5, 0, 0)).toEqual(fallbackGrid(5));
    expect(fallbackGrid(5)).toEqual({ cols: 3, rows: 2 });
    expect(fallbackGrid(1)).toEqual({ cols: 1, rows: 1 });
  });
});
