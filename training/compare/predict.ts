/**
 * Learning-curve prediction used by `snn compare --prune`: a simple local stand-in with the
 * signature of the full predictor (several curve families, refitted as evaluations arrive), which
 * replaces it without changing the prune logic.
 *
 * Power law A(t) = a − b·t^(−c): for each c on a grid, a and b are a linear least-squares fit in
 * x = t^(−c); the c with the smallest squared error wins. The interval is the linear model's
 * prediction interval at the horizon for that c (Student t with n − 3 degrees of freedom), which
 * ignores the uncertainty of c and is therefore optimistic.
 */
import { studentTQuantile } from './student-t.js';

export interface CurvePoint {
  samples: number;
  accuracy: number;
}

export interface Prediction {
  final: number;
  lo: number;
  hi: number;
  family: string;
}

export type PredictFinal = (points: CurvePoint[], horizon: number) => Prediction | null;

const C_GRID = Array.from({ length: 60 }, (_, i) => 0.05 + i * 0.05);

interface LinearFit {
  a: number;
  slope: number;
  sse: number;
  xMean: number;
  sxx: number;
}

/** Least squares y = a + slope·x. */
function linearFit(x: readonly number[], y: readonly number[]): LinearFit | null {
  const n = x.length;
  const xMean = x.reduce((s, v) => s + v, 0) / n;
  const yMean = y.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - xMean) ** 2;
    sxy += (x[i]! - xMean) * (y[i]! - yMean);
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  const a = yMean - slope * xMean;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (y[i]! - a - slope * x[i]!) ** 2;
  return { a, slope, sse, xMean, sxx };
}

/** Predicted accuracy at `horizon` samples with a 95 % interval, or null with fewer than 4 points. */
export const predictFinal: PredictFinal = (points, horizon) => {
  const pts = points.filter((p) => p.samples > 0 && Number.isFinite(p.accuracy));
  const n = pts.length;
  if (n < 4) return null;
  const y = pts.map((p) => p.accuracy);
  // Scale t so that x = (t / horizon)^(−c) stays near 1 whatever the budget.
  const ts = pts.map((p) => p.samples / horizon);
  let best: { c: number; fit: LinearFit; x: number[] } | null = null;
  for (const c of C_GRID) {
    const x = ts.map((t) => t ** -c);
    const fit = linearFit(x, y);
    if (fit && (best === null || fit.sse < best.fit.sse)) best = { c, fit, x };
  }
  if (best === null) return null;
  const { fit } = best;
  const xh = 1; // (horizon / horizon)^(−c)
  const final = fit.a + fit.slope * xh;
  const sigma = Math.sqrt(fit.sse / (n - 3));
  const half = studentTQuantile(0.975, n - 3) * sigma * Math.sqrt(1 + 1 / n + (xh - fit.xMean) ** 2 / fit.sxx);
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return { final: clamp(final), lo: clamp(final - half), hi: clamp(final + half), family: 'power-law' };
};
