/**
 * Update transforms by name (`--optimizer adam`, `--transform 'spectra:c=1'`): optimizer wrappers
 * that rewrite any rule's pseudo-gradient U before W ← W − η·U' (learning/plugin-contract.ts).
 * A transform is one file plus one line here.
 */
import { Registry, parsePluginSpec, type OptionValue } from '../registry.js';
import type { UpdateTransform } from '../plugin-contract.js';
import { Adam } from './adam.js';
import { Lamb, type LambOptions } from './lamb.js';
import { Sgd } from './sgd.js';
import { Spectra, type SpectraOptions } from './spectra.js';
import { Sso, type SsoOptions } from './sso.js';
import { Tract, type TractOptions } from './tract.js';

export type TransformFactory = (options: Record<string, OptionValue | null>) => UpdateTransform;

export const transforms = new Registry<TransformFactory>('update transform');

/** A transform from its command-line spec `NAME` or `NAME:key=value,…` (options checked against its schema). */
export function createTransform(spec: string): UpdateTransform {
  const { name, options } = parsePluginSpec(spec, 'transform');
  return transforms.get(name)(transforms.options(name, options));
}

transforms.register('sgd', () => new Sgd(), { summary: 'plain gradient step: U unchanged', options: {} });
transforms.register('adam', (o) => new Adam(o as { beta1: number; beta2: number; eps: number }), {
  summary: 'Adam (Kingma & Ba 2015): U → m̂ / (√v̂ + ε), moments per tensor',
  options: {
    beta1: { type: 'number', default: 0.9, unit: '1', doc: 'decay of the first moment', min: 0, max: 1 },
    beta2: { type: 'number', default: 0.999, unit: '1', doc: 'decay of the second moment', min: 0, max: 1 },
    eps: { type: 'number', default: 1e-8, unit: '1', doc: 'added to √v̂', min: 0 },
  },
});
transforms.register('lamb', (o) => new Lamb(o as LambOptions), {
  summary: 'LAMB (You et al. 2019): Adam direction r scaled per tensor by the trust ratio φ(‖W‖)/‖r‖, so each step has norm η·φ(‖W‖)',
  options: {
    beta1: { type: 'number', default: 0.9, unit: '1', doc: 'decay of the first moment', min: 0, max: 1 },
    beta2: { type: 'number', default: 0.999, unit: '1', doc: 'decay of the second moment', min: 0, max: 1 },
    eps: { type: 'number', default: 1e-6, unit: '1', doc: 'added to √v̂', min: 0 },
    weightDecay: { type: 'number', default: 0, unit: '1', doc: 'decoupled weight decay λ added to r before the trust ratio', min: 0 },
    normMin: { type: 'number', default: 0, unit: 'weight', doc: 'φ clamps ‖W‖ from below at this value', min: 0 },
    normMax: { type: 'number', default: null, unit: 'weight', doc: 'φ clamps ‖W‖ from above at this value (unset: no clamp)', min: 0, exclusiveMin: true },
  },
});
transforms.register('spectra', (o) => new Spectra(o as SpectraOptions), {
  summary: 'SPECTRA (Jiang, Semenov & Stich 2026): soft spectral clip σ → σ/√(1+σ²/c²) of each update by Newton–Schulz iterations',
  options: {
    c: { type: 'number', default: 1, unit: 'update', doc: 'clipping level: no singular value of the clipped update exceeds c', min: 0, exclusiveMin: true },
    iterations: { type: 'integer', default: null, unit: '1', doc: 'Newton–Schulz iterations (unset: ⌈ln α_A/ln 2.25⌉+6 per update, accurate for any σ_max/c)', min: 1, max: 200 },
    weightDecay: { type: 'number', default: 0, unit: '1', doc: 'decoupled weight decay λ added after the clip', min: 0 },
    rectScale: { type: 'boolean', default: true, doc: 'multiply by √max(1, post/pre) (Muon-style rectangular scale)' },
  },
});
transforms.register('tract', (o) => new Tract(o as TractOptions), {
  summary: 'TrAct (Petersen et al. 2024): first-layer update through (XᵀX/b + λI)⁻¹, so bright inputs stop dominating (needs the rule\'s first-layer inputs)',
  options: {
    lambda: { type: 'number', default: 0.1, unit: '1', doc: 'ridge regularization λ (relative to the mean squared input unless scale=absolute)', min: 0, exclusiveMin: true },
    scale: { type: 'enum', default: 'mean-diag', values: ['mean-diag', 'absolute'], doc: 'mean-diag: λ·mean(diag(XᵀX/b)); absolute: λ as given' },
    method: { type: 'enum', default: 'auto', values: ['auto', 'cholesky', 'woodbury'], doc: 'closed form: n × n Cholesky, b × b Woodbury, or auto (Woodbury when b < n)' },
    layer: { type: 'integer', default: 0, unit: 'tensor', doc: 'index of the tensor to precondition (0: the first layer)', min: 0 },
  },
});
transforms.register('sso', (o) => new Sso(o as SsoOptions), {
  summary: 'SSO (Lavington et al. 2023): readout step in target space z⁺ = z − η·∂ℓ/∂z, then m inner regressions of the readout onto z⁺ (needs the rule\'s readout factors)',
  options: {
    eta: { type: 'number', default: 1, unit: '1', doc: 'target-space step η (≤ 2 keeps the surrogate above cross-entropy); U\' = −Δ/η', min: 0, exclusiveMin: true },
    inner: { type: 'integer', default: 10, unit: 'steps', doc: 'inner regression steps m', min: 1 },
    innerStep: { type: 'number', default: 10, unit: '1', doc: 'first inner step tried (halved until Armijo\'s condition holds), or the fixed step without line search', min: 0, exclusiveMin: true },
    lineSearch: { type: 'boolean', default: true, doc: 'Armijo backtracking in the inner loop' },
    layer: { type: 'integer', default: -1, unit: 'tensor', doc: 'tensor to transform; negative counts from the end (−1: the readout)' },
  },
});
