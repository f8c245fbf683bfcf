// Small statistics for the SFU benchmark: medians of rounds and a least-squares line.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

// Ordinary least squares y = intercept + slope * x over points [{x, y}], with R².
// The slope is the marginal cost: what one more unit of x costs, whatever the fixed overhead is.
export function leastSquares(points) {
  const n = points.length;
  if (n < 2) return { slope: NaN, intercept: NaN, r2: NaN, n };
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxx = 0, sxy = 0, syy = 0;
  for (const { x, y } of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy ? (sxy * sxy) / (sxx * syy) : 1;
  return { slope, intercept, r2, n };
}
