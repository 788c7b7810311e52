/**
 * RS2 — repeated sampling of random subsets (Okanovic et al., ICLR 2024).
 *
 * Training proceeds in *rounds*; each round visits a fresh random fraction `ratio` of the data set
 * (⌊ratio·count⌋ samples, at least one). Without replacement (the default) the rounds walk a
 * seeded permutation in consecutive slices, and a new permutation is drawn once the next slice
 * would not fit, so every sample is seen once per ⌊count/roundSize⌋ rounds (= 1/ratio rounds when
 * ratio·count divides count). With replacement every round is an independent uniform subset.
 * Stratified (needs the labels), every round takes max(1, ⌊ratio·n_k⌋) samples of each class k,
 * walking a permutation per class in the same way, and mixes them in a seeded order.
 *
 * The whole position is the number of draws so far: round, slice and permutation follow from it
 * and from a base stream that is never advanced (`split` per cycle or round), so the checkpointed
 * state is a counter plus the base stream's words.
 *
 * A learning-rate schedule must be laid over the real number of iterations — rounds × ⌈roundSize/B⌉
 * — not over full epochs: `plannedRounds` and `plannedIterations` give those numbers.
 */
import { SnnError } from '../engine/errors.js';
import type { OptionSchema } from '../engine/registry.js';
import { RngStream } from '../engine/rng.js';
import { shuffledIndices } from './dataset.js';
import { checkSamplerCount, checkSamplerState } from './sampler-checks.js';
import type { Sampler, SamplerOptions, SamplerState } from './sampler.js';

export const RS2_OPTIONS: OptionSchema = {
  ratio: { type: 'number', default: 0.1, min: 0, exclusiveMin: true, max: 1, unit: 'fraction of the data set', doc: 'share of the training set visited per round' },
  replacement: { type: 'boolean', default: false, doc: 'draw every round independently (true) instead of walking a permutation (every sample once per 1/ratio rounds)' },
  stratified: { type: 'boolean', default: false, doc: 'every round takes the share ratio of each class (class proportions kept per round)' },
};

/** Samples per round: ⌊ratio·count⌋, at least 1. */
export function rs2RoundSize(count: number, ratio: number): number {
  return Math.max(1, Math.floor(ratio * count));
}

export class Rs2Sampler implements Sampler {
  readonly kind = 'rs2';
  readonly count: number;
  readonly ratio: number;
  readonly replacement: boolean;
  readonly stratified: boolean;
  /** Samples per round; a trainer treats one round as its "epoch". */
  readonly roundSize: number;
  /** Rounds per permutation without replacement (a permutation's tail shorter than a round is skipped). */
  private readonly roundsPerCycle: number;
  private base: RngStream;
  private draws = 0;
  /** Indices of the round (or permutation) currently walked, and which one it is. */
  private block: Int32Array | null = null;
  private blockId = -1;
  /** Stratified: members of every class (file order), samples per round of each, cached permutations. */
  private readonly members: Int32Array[] = [];
  private readonly quota: number[] = [];
  private readonly classPerm: (Int32Array | null)[] = [];
  private readonly classCycle: number[] = [];

  constructor(opts: SamplerOptions) {
    checkSamplerCount(this.kind, opts.count);
    if (!opts.rng) throw new SnnError('config.invalid', 'the rs2 sampler needs a random stream', "pass rng: RngStream.derive(seed, 'sampler/rs2')");
    const ratio = Number(opts.options?.ratio ?? RS2_OPTIONS.ratio!.default);
    if (!(ratio > 0 && ratio <= 1)) throw new SnnError('config.invalid', `rs2 ratio must be in (0, 1], got ${ratio}`, "e.g. --sampler 'rs2:ratio=0.1'");
    this.count = opts.count;
    this.ratio = ratio;
    this.replacement = Boolean(opts.options?.replacement ?? false);
    this.stratified = Boolean(opts.options?.stratified ?? false);
    if (this.stratified) {
      if (!opts.labels || opts.labels.length !== opts.count) {
        throw new SnnError('config.invalid', `the stratified rs2 sampler needs the class label of each of the ${opts.count} samples`, 'pass labels (the training set labels)');
      }
      const byClass: number[][] = [];
      for (let i = 0; i < opts.count; i++) (byClass[opts.labels[i]!] ??= []).push(i);
      for (const m of byClass) {
        if (!m) continue;
        this.members.push(Int32Array.from(m));
        this.quota.push(rs2RoundSize(m.length, ratio));
        this.classPerm.push(null);
        this.classCycle.push(-1);
      }
    }
    this.roundSize = this.stratified ? this.quota.reduce((a, b) => a + b, 0) : rs2RoundSize(opts.count, ratio);
    this.roundsPerCycle = Math.floor(opts.count / this.roundSize);
    this.base = opts.rng;
  }

  /** Rounds needed for `totalDraws` sample visits (the last one may be partial). */
  plannedRounds(totalDraws: number): number {
    return Math.ceil(totalDraws / this.roundSize);
  }

  /** Optimizer iterations for `totalDraws` visits in batches of `batchSize` (no batch spans two rounds). */
  plannedIterations(totalDraws: number, batchSize: number): number {
    const full = Math.floor(totalDraws / this.roundSize);
    const rest = totalDraws - full * this.roundSize;
    return full * Math.ceil(this.roundSize / batchSize) + Math.ceil(rest / batchSize);
  }

  /** Rounds completed so far. */
  get round(): number {
    return Math.floor(this.draws / this.roundSize);
  }

  get epoch(): number {
    return Math.floor(this.draws / this.count);
  }

  next(): number {
    const round = Math.floor(this.draws / this.roundSize);
    const inRound = this.draws - round * this.roundSize;
    this.draws++;
    if (this.stratified) {
      if (this.blockId !== round) {
        this.block = this.stratifiedRound(round);
        this.blockId = round;
      }
      return this.block![inRound]!;
    }
    if (this.replacement) {
      if (this.blockId !== round) {
        this.block = this.subset(round);
        this.blockId = round;
      }
      return this.block![inRound]!;
    }
    const cycle = Math.floor(round / this.roundsPerCycle);
    if (this.blockId !== cycle) {
      this.block = shuffledIndices(this.count, this.base.split(`cycle:${cycle}`));
      this.blockId = cycle;
    }
    return this.block![(round - cycle * this.roundsPerCycle) * this.roundSize + inRound]!;
  }

  /** The samples of one stratified round: each class's share, in a seeded mixed order. */
  private stratifiedRound(round: number): Int32Array {
    const out = new Int32Array(this.roundSize);
    let o = 0;
    for (let k = 0; k < this.members.length; k++) {
      const m = this.members[k]!;
      const q = this.quota[k]!;
      if (this.replacement) {
        const rng = this.base.split(`round:${round}/class:${k}`);
        const idx = m.slice();
        for (let i = 0; i < q; i++) {
          const j = i + rng.int(idx.length - i);
          const t = idx[i]!;
          idx[i] = idx[j]!;
          idx[j] = t;
        }
        out.set(idx.subarray(0, q), o);
      } else {
        const perCycle = Math.floor(m.length / q);
        const cycle = Math.floor(round / perCycle);
        if (this.classCycle[k] !== cycle) {
          this.classPerm[k] = this.base.split(`class:${k}/cycle:${cycle}`).shuffle(m.slice());
          this.classCycle[k] = cycle;
        }
        const from = (round - cycle * perCycle) * q;
        out.set(this.classPerm[k]!.subarray(from, from + q), o);
      }
      o += q;
    }
    return this.base.split(`round:${round}/order`).shuffle(out);
  }

  /** An independent uniform subset of roundSize indices (partial Fisher–Yates), for the replacement variant. */
  private subset(round: number): Int32Array {
    const rng = this.base.split(`round:${round}`);
    const idx = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) idx[i] = i;
    for (let i = 0; i < this.roundSize; i++) {
      const j = i + rng.int(this.count - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
    }
    return idx.subarray(0, this.roundSize);
  }

  getState(): SamplerState {
    return { kind: this.kind, count: this.count, ratio: this.ratio, replacement: this.replacement, stratified: this.stratified, draws: this.draws, rng: this.base.getState() };
  }

  setState(state: SamplerState): void {
    checkSamplerState(state, this.kind, this.count);
    const { draws, rng, ratio, replacement, stratified } = state;
    if (ratio !== this.ratio || replacement !== this.replacement || (stratified ?? false) !== this.stratified) {
      throw new SnnError('config.invalid', `cannot resume an rs2 sampler (ratio ${this.ratio}, replacement ${this.replacement}, stratified ${this.stratified}) from one with ratio ${String(ratio)}, replacement ${String(replacement)}, stratified ${String(stratified ?? false)}`, 'resume with the sampler options the checkpoint was made with');
    }
    if (typeof draws !== 'number' || !Number.isSafeInteger(draws) || draws < 0 || !Array.isArray(rng)) {
      throw new SnnError('config.invalid', 'rs2 sampler state is malformed', 'use a state saved by getState()');
    }
    this.base = RngStream.fromState(rng as number[]);
    this.draws = draws;
    this.block = null;
    this.blockId = -1;
    this.classCycle.fill(-1);
  }
}
