/**
 * The learning-curve predictor `snn compare --prune` consults: the one `snn train` uses
 * (training/learning-curve.ts — several curve families chosen by AICc, refitted as evaluations
 * arrive, a residual-bootstrap interval). Injectable, so the prune logic is tested on its own.
 */
import type { CurvePoint, Prediction } from '../learning-curve.js';

export { predictFinal, type CurvePoint, type Prediction } from '../learning-curve.js';

export type PredictFinal = (points: CurvePoint[], horizon: number) => Prediction | null;
