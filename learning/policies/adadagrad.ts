/**
 * AdAdaGrad's adaptive batch size (Lau, Liu & Kolar 2024), by the norm test of Byrd et al. (2012)
 * on the per-sample updates u_i (i = 1..b) of the last step:
 *
 *   ū = mean_i u_i,   V = Σ_coords Var_i(u_i)   (unbiased, summed over every coordinate of every tensor)
 *   the batch is large enough if V/b ≤ θ²·‖ū‖²
 *   b_next = min(b_max, max(b, ⌈V / (θ²·‖ū‖²)⌉))
 *
 * The batch grows when the update's noise dominates its mean (typically late in training, as
 * ‖ū‖ → 0, where the request grows ∝ 1/‖ū‖²) and never shrinks. ‖ū‖ = 0 with V > 0 asks for b_max.
 * The learning rate passes through (chain lr-batch-scaling after it to scale η with b).
 *
 * The statistics come from the rule (`BatchRule.perSampleStats`: the per-coordinate sums of the u_i
 * and Σ_i ‖u_i‖²); every rule can supply them, so the diagnostic — the update's signal-to-noise
 * ratio SNR = ‖ū‖²·b / V — compares plasticity rules on one axis.
 */
import { SnnError } from '../../engine/errors.js';
import type { BatchPolicy, PerSampleStats, RuleState } from '../plugin-contract.js';

export interface AdAdaGradOptions {
  /** Norm-test constant θ (η in the paper's code). */
  theta?: number;
  /** Cap on the batch, e.g. the training set's size. */
  maxBatch?: number;
  /** Run the test every this many updates (in between the batch stays). */
  testInterval?: number;
}

/** ‖ū‖² and V = Σ_coords Var_i(u_i) (unbiased) of per-sample statistics, in float64. */
export function normTestStatistics(stats: PerSampleStats): { meanSq: number; variance: number; count: number } {
  const b = stats.count;
  let meanSq = 0;
  for (const sum of stats.sum) {
    for (let i = 0; i < sum.length; i++) {
      const mean = sum[i]! / b;
      meanSq += mean * mean;
    }
  }
  // Σ_i ‖u_i − ū‖² = Σ_i ‖u_i‖² − b‖ū‖²; clamped at 0 against rounding
  const variance = b > 1 ? Math.max(0, (stats.sumSqNorms - b * meanSq) / (b - 1)) : 0;
  return { meanSq, variance, count: b };
}

export class AdAdaGrad implements BatchPolicy {
  readonly kind = 'adadagrad';
  readonly needsStats = true;
  readonly theta: number;
  readonly maxBatch: number;
  readonly testInterval: number;
  /** The largest batch asked for so far (the batch never shrinks). */
  private batch = 0;
  private snr = NaN;
  private requested = NaN;

  constructor(opts: AdAdaGradOptions = {}) {
    this.theta = opts.theta ?? 0.1;
    this.maxBatch = opts.maxBatch ?? 60000;
    this.testInterval = opts.testInterval ?? 1;
    if (!(this.theta > 0)) throw new SnnError('config.invalid', `adadagrad: theta must be > 0, got ${this.theta}`, 'e.g. adadagrad:theta=0.1');
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new SnnError('config.invalid', `adadagrad: maxBatch must be a positive integer, got ${this.maxBatch}`, 'e.g. the training set size');
    if (!Number.isInteger(this.testInterval) || this.testInterval < 1) throw new SnnError('config.invalid', `adadagrad: testInterval must be a positive integer, got ${this.testInterval}`, 'e.g. 1');
  }

  next(ctx: { update: number; batchSize: number; learningRate: number; stats?: PerSampleStats }): { batchSize: number; learningRate: number } {
    this.batch = Math.min(this.maxBatch, Math.max(this.batch, ctx.batchSize));
    if (ctx.update % this.testInterval === 0) {
      if (ctx.stats === undefined) {
        throw new SnnError('config.invalid', 'adadagrad: the rule gives no per-sample statistics', 'AdAdaGrad needs a rule with perSampleStats; drop --policy adadagrad for this rule');
      }
      const { meanSq, variance, count } = normTestStatistics(ctx.stats);
      // One sample has no spread to test (a step cut short at an evaluation point): keep the last test.
      if (count > 1) {
        this.snr = variance > 0 ? (meanSq * count) / variance : meanSq > 0 ? Infinity : NaN;
        const want = variance === 0 ? count : meanSq > 0 ? Math.ceil(variance / (this.theta * this.theta * meanSq)) : Infinity;
        this.requested = want;
        this.batch = Math.min(this.maxBatch, Math.max(this.batch, want));
      }
    }
    return { batchSize: this.batch, learningRate: ctx.learningRate };
  }

  /** `snr`: ‖ū‖²·b/V of the last test; `batchSize`: the batch chosen; `requestedBatch`: the test's raw ask. */
  diagnostics(): Record<string, number> {
    return { snr: this.snr, batchSize: this.batch, requestedBatch: this.requested };
  }

  saveState(): RuleState {
    return { batch: this.batch, snr: this.snr, requested: this.requested };
  }

  loadState(s: RuleState): void {
    this.batch = s.batch as number;
    this.snr = s.snr as number;
    this.requested = s.requested as number;
  }
}
