/**
 * Synaptic scaling (docs/hao2020.md): before a presentation, every post-synaptic neuron's
 * incoming weights are multiplied so that they sum to `target`:  w_ji ← w_ji · S / Σ_j w_ji.
 * A neuron with no incoming weight is left alone. Weights are not clipped afterwards (as in the
 * authors' code). Frozen (evaluation) means no scaling.
 */
import { SnnError } from '../engine/errors.js';
import type { Network } from '../models/network.js';
import { DenseProjection, type Projection } from '../models/projection.js';
import type { PlasticityRule, PresentationContext, RuleState } from './plugin-contract.js';
import type { RulePlugin } from './rules.js';

export interface SynapticScalingOptions {
  /** Target sum S of each post neuron's incoming weights. */
  target: number;
  /** 'every' presentation (input→exc, incl. re-presentations), or 'training' presentations only (exc→SL). */
  when?: 'every' | 'training';
}

export class SynapticScaling implements PlasticityRule {
  readonly kind = 'synaptic-scaling';
  readonly name: string;
  plastic = true;
  readonly target: number;
  readonly when: 'every' | 'training';
  private readonly sums: Float64Array;
  private readonly kernel: { scaleColumns(target: number): void } | null;
  /**
   * True when a presentation update (learning/transforms/transformed-updates.ts) owns this
   * projection's scaling: it calls `apply()` in its place, or not at all ('instead-of-scaling'),
   * and the rule's own per-presentation call is off so the weights are never scaled twice.
   */
  delegated = false;

  constructor(
    readonly projection: Projection,
    opts: SynapticScalingOptions,
    /**
     * A kernel that scales the projection's weights in place with identical results; default the
     * projection's own (DenseProjection.columnScaler: SIMD when its weights live in kernel memory).
     */
    kernel?: { scaleColumns(target: number): void } | null,
  ) {
    if (!(projection instanceof DenseProjection)) {
      throw new SnnError('config.invalid', `synaptic scaling needs a dense projection, '${projection.name}' is ${projection.kind}`, 'use dense connectivity');
    }
    if (!(opts.target > 0) || !Number.isFinite(opts.target)) throw new SnnError('config.invalid', `synaptic scaling target must be > 0, got ${opts.target}`, 'fix the rule options');
    this.name = `synaptic-scaling:${projection.name}`;
    this.target = opts.target;
    this.when = opts.when ?? 'every';
    this.sums = new Float64Array(projection.post.size);
    const scaler = kernel === undefined ? projection.columnScaler() : null;
    this.kernel = kernel ?? (scaler === null ? null : { scaleColumns: scaler });
  }

  attach(_net: Network): void {}

  setPlastic(on: boolean): void {
    this.plastic = on;
  }

  beforePresentation(ctx: PresentationContext): void {
    if (!this.plastic || this.delegated || (this.when === 'training' && !ctx.training)) return;
    this.apply();
  }

  /** Rescales every column of W to sum to the target (two row-major passes). */
  apply(): void {
    if (this.kernel !== null) {
      this.kernel.scaleColumns(this.target);
      return;
    }
    const w = this.projection.weights;
    const n = this.projection.post.size;
    const m = this.projection.pre.size;
    const sums = this.sums;
    sums.fill(0);
    for (let j = 0; j < m; j++) {
      const row = j * n;
      for (let i = 0; i < n; i++) sums[i] = sums[i]! + w[row + i]!;
    }
    for (let i = 0; i < n; i++) sums[i] = sums[i]! > 0 ? this.target / sums[i]! : 1;
    for (let j = 0; j < m; j++) {
      const row = j * n;
      for (let i = 0; i < n; i++) w[row + i] = w[row + i]! * sums[i]!;
    }
  }

  saveState(): RuleState {
    return { plastic: this.plastic };
  }

  loadState(s: RuleState): void {
    this.plastic = s.plastic as boolean;
  }
}

export const synapticScalingRule: RulePlugin = {
  definition: {
    target: 'projection',
    slot: 'normalisation',
    create: (t, o) => new SynapticScaling(t.projection!, { target: o.target as number, when: o.when as 'every' | 'training' }),
  },
  info: {
    summary: "rescales each post neuron's incoming weights to a fixed sum before a presentation",
    options: {
      target: { type: 'number', default: 78, min: 0, exclusiveMin: true, doc: 'sum S of each post neuron’s incoming weights' },
      when: { type: 'enum', default: 'every', values: ['every', 'training'], doc: "'every' presentation (re-presentations and tests too) or 'training' ones only" },
    },
  },
};
