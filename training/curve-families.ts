/**
 * Parametric families of learning curves A(t) (accuracy after t training samples), each written
 * as A(t) = a − b·φ(u; θ): a is the asymptote, b ≥ 0 the gap still to close, and φ a decreasing
 * shape with nonlinear parameters θ. Given θ, (a, b) follow from a linear least-squares fit, so a
 * fit searches only θ (variable projection). u = t / t₁ is time in units of the first observation
 * and U the last observation's u, which keeps the grids below meaningful for any sample count.
 *
 * The families are the usual candidates of learning-curve extrapolation (the inverse power law of
 * the classic literature, and the exponential, logarithmic and Weibull/Janoschek shapes compared by
 * Vilares Ferro et al. 2024 and Domhan et al. 2015).
 */

export interface CurveFamily {
  readonly name: string;
  readonly formula: string;
  /** Names of the nonlinear parameters θ. */
  readonly thetaNames: readonly string[];
  /** Search range of every θ coordinate, searched on a log scale. */
  readonly ranges: readonly (readonly [number, number])[];
  /** Grid points per θ coordinate. */
  readonly gridSize: number;
  /** φ(u; θ), decreasing in u, for a curve observed up to U. */
  shape(u: number, theta: readonly number[], U: number): number;
}

export const CURVE_FAMILIES: readonly CurveFamily[] = [
  {
    name: 'power',
    formula: 'a − b·t^(−c)',
    thetaNames: ['c'],
    ranges: [[0.02, 8]],
    gridSize: 48,
    shape: (u, [c]) => u ** -c!,
  },
  {
    name: 'exponential',
    formula: 'a − b·e^(−c·t)',
    thetaNames: ['c'],
    ranges: [[0.05, 200]],
    gridSize: 48,
    shape: (u, [c], U) => Math.exp((-c! * u) / U),
  },
  {
    name: 'logarithmic',
    formula: 'a − b / ln(1 + c·t)',
    thetaNames: ['c'],
    ranges: [[0.01, 1000]],
    gridSize: 48,
    shape: (u, [c]) => 1 / Math.log1p(c! * u),
  },
  {
    name: 'weibull',
    formula: 'a − b·e^(−(t/s)^δ)',
    thetaNames: ['s', 'δ'],
    ranges: [
      [0.005, 20],
      [0.2, 5],
    ],
    gridSize: 16,
    shape: (u, [s, d], U) => Math.exp(-((u / (s! * U)) ** d!)),
  },
];

export function familyByName(name: string): CurveFamily | undefined {
  return CURVE_FAMILIES.find((f) => f.name === name);
}
