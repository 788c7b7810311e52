/**
 * Receptive-field grid: each hidden neuron's 784 input weights as a 28×28 tile, tiles ordered by
 * the class the neuron is assigned to (then by id), one `rect` per pixel in a single layer with
 * computed positions (faceting 400 small charts is far slower). More than `maxNeurons` hidden
 * neurons: the first `maxNeurons` in that order are shown, and the figure says so.
 */
import { SnnError } from '../engine/errors.js';
import type { Figure } from './figure.js';
import { inputWeights, type TrainedModel } from './run-data.js';

const SIDE = 28;

export function receptiveFieldFigure(model: TrainedModel, opts: { maxNeurons?: number } = {}): Figure {
  const w = inputWeights(model);
  const hidden = model.assignments.length;
  if (w.length !== SIDE * SIDE * hidden) throw new SnnError('io.corrupt', `input weights hold ${w.length} values, not 784 × ${hidden}`, 'the model file is damaged');
  const order = Array.from({ length: hidden }, (_, i) => i).sort((a, b) => rank(model.assignments[a]!) - rank(model.assignments[b]!) || a - b);
  const shown = order.slice(0, opts.maxNeurons ?? 400);
  const cols = Math.ceil(Math.sqrt(shown.length));
  const rows = Math.ceil(shown.length / cols);
  const labelled = cols <= 25;
  const pitch = SIDE + (labelled ? 7 : 2);
  const values: { x: number; y: number; x2: number; y2: number; w: number }[] = new Array(shown.length * SIDE * SIDE);
  let k = 0;
  for (let s = 0; s < shown.length; s++) {
    const j = shown[s]!;
    const ox = (s % cols) * pitch;
    const oy = Math.floor(s / cols) * pitch;
    for (let p = 0; p < SIDE * SIDE; p++) {
      const x = ox + (p % SIDE);
      const y = oy + Math.floor(p / SIDE);
      values[k++] = { x, y, x2: x + 1, y2: y + 1, w: w[p * hidden + j]! };
    }
  }
  const labels = shown.map((j, s) => ({ x: (s % cols) * pitch + SIDE / 2, y: Math.floor(s / cols) * pitch - 1, label: model.assignments[j]! < 0 ? '–' : String(model.assignments[j]) }));
  const size = Math.min(900, Math.max(300, cols * 36));
  // Colour from 0 to the largest weight shown (not the clip wMax, which early in training no weight is near).
  let top = 0;
  for (let i = 0; i < values.length; i++) top = Math.max(top, values[i]!.w);
  const scale = { x: { domain: [0, cols * pitch], nice: false, zero: true }, y: { domain: [-pitch + SIDE, rows * pitch], nice: false, reverse: true } };
  const notes = [`${shown.length} of ${hidden} hidden neurons, ordered by assigned class (label above each tile; – unassigned)`];
  if (shown.length < hidden) notes.push(`reduced: the first ${shown.length} in that order shown, ${hidden - shown.length} left out`);
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Receptive fields (input → hidden weights)', subtitle: shown.length < hidden ? `${shown.length} of ${hidden} neurons shown` : `${hidden} neurons` },
    width: size,
    height: Math.round((size * rows) / cols),
    layer: [
      {
        data: { values },
        mark: { type: 'rect' as const },
        encoding: {
          x: { field: 'x', type: 'quantitative' as const, axis: null, scale: scale.x },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative' as const, axis: null, scale: scale.y },
          y2: { field: 'y2' },
          color: { field: 'w', type: 'quantitative' as const, title: 'weight', scale: { scheme: 'viridis', domain: [Math.min(0, ...minOf(values)), top > 0 ? top : 1] } },
        },
      },
      ...(labelled
        ? [
            {
              data: { values: labels },
              mark: { type: 'text' as const, fontSize: 7, baseline: 'bottom' as const, color: '#333' },
              encoding: { x: { field: 'x', type: 'quantitative' as const }, y: { field: 'y', type: 'quantitative' as const }, text: { field: 'label' } },
            },
          ]
        : []),
    ],
    view: { stroke: null },
  };
  return { name: 'receptive-fields', title: 'Receptive fields', spec: spec as unknown as Figure['spec'], notes };
}

function minOf(values: { w: number }[]): [number] {
  let m = Infinity;
  for (const v of values) m = Math.min(m, v.w);
  return [m];
}

/** Assigned classes first in class order, unassigned (−1) last. */
function rank(c: number): number {
  return c < 0 ? 99 : c;
}
