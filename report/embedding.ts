/**
 * 2-D t-SNE embedding of the hidden layer's spike counts on test images, one point per image
 * coloured by its true class, with the silhouette score of the classes in the embedding. Features:
 * log(1 + spike count) of every hidden neuron (tames the few very active neurons).
 */
import { SnnError } from '../engine/errors.js';
import type { SparseCounts } from '../learning/linear-probe.js';
import { CLASS_SCHEME, type Figure } from './figure.js';
import { silhouetteScore } from './silhouette.js';
import { tsneEmbed, TSNE_DEFAULT_ITERATIONS } from './tsne.js';

/** Fewer points than this make no meaningful embedding. */
export const MIN_TSNE_SAMPLES = 10;

export interface EmbeddingResult {
  figure: Figure;
  silhouette: number;
  points: Float64Array;
}

export function embeddingFigure(counts: SparseCounts, labels: ArrayLike<number>, opts: { seed: number; iterations?: number; perplexity?: number }): EmbeddingResult {
  const n = counts.rows;
  if (n < MIN_TSNE_SAMPLES) throw new SnnError('usage', `a t-SNE of ${n} test samples says nothing`, `evaluate at least ${MIN_TSNE_SAMPLES} test samples (--test-samples)`);
  const dim = counts.columns;
  const x = new Float64Array(n * dim);
  for (let r = 0; r < n; r++) {
    const { start, end, indices, values } = counts.row(r);
    for (let k = start; k < end; k++) x[r * dim + indices[k]!] = Math.log1p(values[k]!);
  }
  const iterations = opts.iterations ?? TSNE_DEFAULT_ITERATIONS;
  const points = tsneEmbed(x, n, dim, { seed: opts.seed, iterations, perplexity: opts.perplexity });
  const silhouette = silhouetteScore(points, 2, labels);
  const rows = Array.from({ length: n }, (_, i) => ({ x: points[2 * i]!, y: points[2 * i + 1]!, cls: String(labels[i]) }));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 't-SNE of hidden-layer spike counts on test images', subtitle: `${n} images, coloured by true class; silhouette ${silhouette.toFixed(3)}` },
    width: 460,
    height: 460,
    data: { values: rows },
    mark: { type: 'circle' as const, size: 9, opacity: 0.8 },
    encoding: {
      x: { field: 'x', type: 'quantitative' as const, axis: null },
      y: { field: 'y', type: 'quantitative' as const, axis: null },
      color: { field: 'cls', type: 'nominal' as const, title: 'class', scale: { scheme: CLASS_SCHEME }, sort: 'ascending' as const },
    },
  };
  const notes = [
    `t-SNE (@keckelt/tsne, exact, perplexity ${Math.min(opts.perplexity ?? 30, Math.max(2, (n - 1) / 3))}, ${iterations} iterations, seeded) of log(1 + count) of ${dim} hidden neurons`,
    `silhouette score of the true classes in the embedding: ${silhouette.toFixed(3)} (1 = separate tight clusters, 0 = overlapping)`,
  ];
  return { figure: { name: 'tsne', title: 't-SNE of hidden spike counts', spec: spec as unknown as Figure['spec'], notes }, silhouette, points };
}
