/**
 * Update transforms by name (`--optimizer adam`, `--transform 'spectra:c=1'`): optimizer wrappers
 * that rewrite any rule's pseudo-gradient U before W ← W − η·U' (learning/plugin-contract.ts).
 * A transform is one file plus one line here.
 */
import { Registry, type OptionValue } from '../registry.js';
import type { UpdateTransform } from '../plugin-contract.js';
import { Adam } from './adam.js';
import { Sgd } from './sgd.js';

export type TransformFactory = (options: Record<string, OptionValue | null>) => UpdateTransform;

export const transforms = new Registry<TransformFactory>('update transform');

transforms.register('sgd', () => new Sgd(), { summary: 'plain gradient step: U unchanged', options: {} });
transforms.register('adam', (o) => new Adam(o as { beta1: number; beta2: number; eps: number }), {
  summary: 'Adam (Kingma & Ba 2015): U → m̂ / (√v̂ + ε), moments per tensor',
  options: {
    beta1: { type: 'number', default: 0.9, unit: '1', doc: 'decay of the first moment', min: 0, max: 1 },
    beta2: { type: 'number', default: 0.999, unit: '1', doc: 'decay of the second moment', min: 0, max: 1 },
    eps: { type: 'number', default: 1e-8, unit: '1', doc: 'added to √v̂', min: 0 },
  },
});
