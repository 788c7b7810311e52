/**
 * Confusion matrix (true class × predicted class, counts, colour = share of the true class) and
 * per-class accuracy of one readout.
 */
import type { Figure } from './figure.js';

export function confusionFigure(rows: number[][], readout: string): Figure {
  const cells: { truth: number; predicted: number; count: number; share: number }[] = [];
  const perClass: { cls: number; accuracy: number }[] = [];
  let correct = 0;
  let total = 0;
  rows.forEach((row, t) => {
    const n = row.reduce((s, c) => s + c, 0);
    row.forEach((count, p) => cells.push({ truth: t, predicted: p, count, share: n ? count / n : 0 }));
    perClass.push({ cls: t, accuracy: n ? (row[t] ?? 0) / n : 0 });
    correct += row[t] ?? 0;
    total += n;
  });
  const cell = 26;
  const k = rows.length;
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Confusion matrix and per-class accuracy (${readout})` },
    hconcat: [
      {
        width: cell * k,
        height: cell * k,
        data: { values: cells },
        encoding: {
          x: { field: 'predicted', type: 'ordinal' as const, title: 'predicted class' },
          y: { field: 'truth', type: 'ordinal' as const, title: 'true class' },
        },
        layer: [
          { mark: { type: 'rect' as const }, encoding: { color: { field: 'share', type: 'quantitative' as const, title: 'share of row', scale: { scheme: 'blues', domain: [0, 1] } } } },
          {
            mark: { type: 'text' as const, fontSize: 9 },
            encoding: { text: { field: 'count', type: 'quantitative' as const }, color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' } },
          },
        ],
      },
      {
        width: 220,
        height: cell * k,
        data: { values: perClass },
        mark: { type: 'bar' as const, color: '#4c78a8' },
        encoding: {
          y: { field: 'cls', type: 'ordinal' as const, title: 'class' },
          x: { field: 'accuracy', type: 'quantitative' as const, title: 'accuracy', scale: { domain: [0, 1] }, axis: { format: '.0%' } },
        },
      },
    ],
    resolve: { scale: { color: 'independent' as const } },
  };
  const notes = [`${readout}: ${total} test samples, accuracy ${total ? ((100 * correct) / total).toFixed(2) : '–'} %`];
  return { name: 'confusion', title: `Confusion matrix (${readout})`, spec: spec as unknown as Figure['spec'], notes };
}
