/**
 * Learning curve: test accuracy (supervision-layer readout SL, assignment vote USL; a batch-rule
 * run's one readout) and the
 * running training accuracy at every evaluation in metrics.jsonl, against training samples; with the
 * learning-curve prediction of the last evaluation (training/learning-curve.ts) as a dashed line and
 * its interval as a band, when the run has one.
 */
import { SnnError } from '../engine/errors.js';
import type { BatchMetricsLine } from '../training/batch-trainer.js';
import type { MetricsLine } from '../training/trainer.js';
import { CLASS_SCHEME, type Figure } from './figure.js';

/** A batch-rule run's line (one readout: `accuracy`) or a local-rule run's (SL and USL). */
const isBatchLine = (m: MetricsLine | BatchMetricsLine): m is BatchMetricsLine => 'accuracy' in m;

export function learningCurveFigure(metrics: MetricsLine[] | BatchMetricsLine[]): Figure {
  if (metrics.length === 0) throw new SnnError('usage', 'the run has no metrics.jsonl (no evaluation yet)', 'a learning curve needs a run directory with at least one evaluation');
  const rows: { samples: number; accuracy: number; readout: string }[] = [];
  for (const m of metrics) {
    if (isBatchLine(m)) rows.push({ samples: m.trained, accuracy: m.accuracy, readout: 'test (readout)' });
    else {
      if (m.slAccuracy !== null && m.slAccuracy !== undefined) rows.push({ samples: m.trained, accuracy: m.slAccuracy, readout: 'test SL (supervision layer)' });
      rows.push({ samples: m.trained, accuracy: m.uslAccuracy, readout: 'test USL (assignment vote)' });
    }
    if (m.trainRunningAccuracy !== null && m.trainRunningAccuracy !== undefined) rows.push({ samples: m.trained, accuracy: m.trainRunningAccuracy, readout: 'training (running)' });
  }
  const last = metrics[metrics.length - 1]!;
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(2)} %`);
  const scores = isBatchLine(last) ? `accuracy ${pct(last.accuracy)}` : `SL ${pct(last.slAccuracy)}, USL ${pct(last.uslAccuracy)}`;
  const notes = [`${metrics.length} evaluation${metrics.length === 1 ? '' : 's'}; last at ${last.trained} samples on ${last.testSamples} test samples: ${scores}`];
  const predicted = last.predicted ?? null;
  if (predicted) notes.push(`predicted final accuracy ${pct(predicted.final)} (95 % interval ${pct(predicted.lo)} – ${pct(predicted.hi)}, ${predicted.family} fit of the evaluations so far)`);
  const curve = {
    data: { values: rows },
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'samples', type: 'quantitative' as const, title: 'training samples' },
      y: { field: 'accuracy', type: 'quantitative' as const, title: 'accuracy', axis: { format: '.0%' }, scale: { domain: [0, 1] } },
      color: { field: 'readout', type: 'nominal' as const, scale: { scheme: CLASS_SCHEME }, legend: { orient: 'bottom' as const, title: null } },
    },
  };
  const x0 = metrics[0]!.trained;
  const band = predicted
    ? [
        { data: { values: [{ from: x0, to: last.trained, lo: predicted.lo, hi: predicted.hi }] }, mark: { type: 'rect' as const, opacity: 0.12, color: 'gray' }, encoding: { x: { field: 'from', type: 'quantitative' as const }, x2: { field: 'to' }, y: { field: 'lo', type: 'quantitative' as const }, y2: { field: 'hi' } } },
        { data: { values: [{ final: predicted.final }] }, mark: { type: 'rule' as const, strokeDash: [6, 4], color: 'gray' }, encoding: { y: { field: 'final', type: 'quantitative' as const } } },
      ]
    : [];
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Learning curve', ...(predicted ? { subtitle: `dashed: predicted final accuracy ${pct(predicted.final)} (band: its 95 % interval)` } : {}) },
    width: 520,
    height: 260,
    layer: [...band, curve],
  };
  return { name: 'learning-curve', title: 'Learning curve', spec: spec as unknown as Figure['spec'], notes };
}
