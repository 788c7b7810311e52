/**
 * Learning rate scaled with batch size (Granziol, Zohren & Roberts 2022): the largest stable step
 * grows with the batch because the mini-batch Hessian's extreme eigenvalues shrink towards the
 * full-data ones. The policy sets
 *
 *   η(B) = η₀ · (B / B₀)^κ
 *
 * with κ = 1 for SGD-like updates (plain gradient, momentum, batch-averaged STDP) and κ = ½ for
 * Adam-like ones (Adam, LAMB). B₀ and η₀ are the batch size and learning rate of the first update
 * unless given. Only up to a saturation batch, beyond which the noise no longer dominates: pair it
 * with a cap on the batch (AdAdaGrad's maxBatch). The batch size itself passes through unchanged,
 * so in a chain this policy goes after one that changes the batch.
 */
import { SnnError } from '../../engine/errors.js';
import type { BatchPolicy, RuleState } from '../plugin-contract.js';

export interface LrBatchScalingOptions {
  /** Exponent κ: 1 linear (SGD-like), 0.5 square root (Adam-like). */
  kappa?: number;
  /** Reference batch B₀ (null: the first update's batch). */
  baseBatch?: number | null;
  /** Learning rate η₀ at B₀ (null: the first update's learning rate). */
  baseLr?: number | null;
}

export class LrBatchScaling implements BatchPolicy {
  readonly kind = 'lr-batch-scaling';
  readonly kappa: number;
  private baseBatch: number;
  private baseLr: number;
  private last = { batchSize: NaN, learningRate: NaN };

  constructor(opts: LrBatchScalingOptions = {}) {
    this.kappa = opts.kappa ?? 1;
    if (!Number.isFinite(this.kappa) || this.kappa < 0) throw new SnnError('config.invalid', `lr-batch-scaling: kappa must be ≥ 0, got ${this.kappa}`, 'use 1 for SGD-like rules, 0.5 for Adam-like');
    this.baseBatch = opts.baseBatch ?? NaN;
    this.baseLr = opts.baseLr ?? NaN;
    if (!Number.isNaN(this.baseBatch) && !(this.baseBatch > 0)) throw new SnnError('config.invalid', `lr-batch-scaling: baseBatch must be > 0, got ${this.baseBatch}`, 'e.g. baseBatch=16');
    if (!Number.isNaN(this.baseLr) && !(this.baseLr > 0)) throw new SnnError('config.invalid', `lr-batch-scaling: baseLr must be > 0, got ${this.baseLr}`, 'e.g. baseLr=0.01');
  }

  next(ctx: { update: number; batchSize: number; learningRate: number }): { batchSize: number; learningRate: number } {
    if (Number.isNaN(this.baseBatch)) this.baseBatch = ctx.batchSize;
    if (Number.isNaN(this.baseLr)) this.baseLr = ctx.learningRate;
    const learningRate = this.baseLr * (ctx.batchSize / this.baseBatch) ** this.kappa;
    this.last = { batchSize: ctx.batchSize, learningRate };
    return { batchSize: ctx.batchSize, learningRate };
  }

  diagnostics(): Record<string, number> {
    return { learningRate: this.last.learningRate, batchSize: this.last.batchSize };
  }

  saveState(): RuleState {
    return { baseBatch: this.baseBatch, baseLr: this.baseLr, lastBatch: this.last.batchSize, lastLr: this.last.learningRate };
  }

  loadState(s: RuleState): void {
    this.baseBatch = s.baseBatch as number;
    this.baseLr = s.baseLr as number;
    this.last = { batchSize: s.lastBatch as number, learningRate: s.lastLr as number };
  }
}
