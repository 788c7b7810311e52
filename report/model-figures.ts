/**
 * Figures of a trained model's parameters: the adaptive-threshold (θ) distribution of the hidden
 * layer and the weight distribution of every weight array.
 */
import { SnnError } from '../engine/errors.js';
import type { Figure } from './figure.js';
import { histogramFigure } from './histogram.js';
import type { TrainedModel } from './run-data.js';

export function thetaFigure(model: TrainedModel): Figure {
  const theta = model.arrays['exc.theta'];
  if (!theta) throw new SnnError('usage', 'the model has no adaptive thresholds (exc.theta)', `its arrays: ${Object.keys(model.arrays).join(', ')}`);
  const s = summary(theta);
  return histogramFigure('theta', 'Adaptive threshold θ of the hidden neurons', 'θ (mV)', [{ name: 'exc.theta', values: theta }], [`${theta.length} neurons: θ mean ${s.mean.toFixed(3)} mV, min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)}`], 'neurons');
}

export function weightsFigure(model: Pick<TrainedModel, 'arrays'>): Figure {
  const series = Object.entries(model.arrays)
    .filter(([k]) => k.includes('->'))
    .map(([name, values]) => ({ name, values }));
  if (series.length === 0) throw new SnnError('usage', 'the model has no weight arrays', `its arrays: ${Object.keys(model.arrays).join(', ')}`);
  const notes = series.map((s) => {
    const m = summary(s.values);
    return `${s.name}: ${s.values.length.toLocaleString('en')} weights, mean ${m.mean.toPrecision(4)}, min ${m.min.toPrecision(4)}, max ${m.max.toPrecision(4)}`;
  });
  return histogramFigure('weights', 'Weight distributions', 'weight', series, notes, 'synapses');
}

function summary(a: ArrayLike<number>): { mean: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    min = Math.min(min, a[i]!);
    max = Math.max(max, a[i]!);
  }
  return { mean: s / Math.max(1, a.length), min, max };
}
