/**
 * Learning curve: test accuracy (supervision-layer readout SL, assignment vote USL) and the
 * running training accuracy at every evaluation in metrics.jsonl, against training samples.
 */
import { SnnError } from '../engine/errors.js';
import type { MetricsLine } from '../training/trainer.js';
import { CLASS_SCHEME, type Figure } from './figure.js';

export function learningCurveFigure(metrics: MetricsLine[]): Figure {
  if (metrics.length === 0) throw new SnnError('usage', 'the run has no metrics.jsonl (no evaluation yet)', 'a learning curve needs a run directory with at least one evaluation');
  const rows: { samples: number; accuracy: number; readout: string }[] = [];
  for (const m of metrics) {
    if (m.slAccuracy !== null && m.slAccuracy !== undefined) rows.push({ samples: m.trained, accuracy: m.slAccuracy, readout: 'test SL (supervision layer)' });
    rows.push({ samples: m.trained, accuracy: m.uslAccuracy, readout: 'test USL (assignment vote)' });
    if (m.trainRunningAccuracy !== null && m.trainRunningAccuracy !== undefined) rows.push({ samples: m.trained, accuracy: m.trainRunningAccuracy, readout: 'training (running)' });
  }
  const last = metrics[metrics.length - 1]!;
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)} %`);
  const notes = [`${metrics.length} evaluation${metrics.length === 1 ? '' : 's'}; last at ${last.trained} samples on ${last.testSamples} test samples: SL ${pct(last.slAccuracy)}, USL ${pct(last.uslAccuracy)}`];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Learning curve' },
    width: 520,
    height: 260,
    data: { values: rows },
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'samples', type: 'quantitative' as const, title: 'training samples' },
      y: { field: 'accuracy', type: 'quantitative' as const, title: 'accuracy', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: { field: 'readout', type: 'nominal' as const, scale: { scheme: CLASS_SCHEME }, legend: { orient: 'bottom' as const, title: null } },
    },
  };
  return { name: 'learning-curve', title: 'Learning curve', spec: spec as unknown as Figure['spec'], notes };
}
