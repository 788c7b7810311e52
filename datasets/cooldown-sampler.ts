/**
 * Class-balanced temperature sampling, fixed (`temperature`) or cooled down over the run
 * (`cooldown`), after Li et al., "Upsample or Upweight?" (NAACL 2025).
 *
 * Each draw first picks a class k with probability p_k(τ) = n_k^{1/τ} / Σ_j n_j^{1/τ} (n_k: the
 * class's size in the training set; τ = 1 is proportional sampling, τ → ∞ uniform over classes,
 * τ < 1 favours the frequent classes), then the next sample of that class from the class's own
 * seeded permutation (a new permutation each time the class is exhausted: rare classes are repeated,
 * but never twice within one pass over them).
 *
 * Cooldown starts with a high τ (rare classes upsampled) and lowers it to `tauEnd` by the fraction
 * `switchAt` of the run's planned draws: `shape=step` switches at that point, `shape=linear` moves
 * the exponent 1/τ linearly from 1/tau to 1/tauEnd over [0, switchAt] (linear in the exponent,
 * because p_k depends on τ only through n_k^{1/τ}).
 *
 * State: the number of draws in total and per class, and the class-choice stream's words; the
 * permutations come from a base stream that is never advanced (`split` per class and cycle).
 */
import { SnnError } from '../engine/errors.js';
import type { OptionSchema } from '../engine/registry.js';
import { RngStream } from '../engine/rng.js';
import { checkSamplerCount, checkSamplerState } from './sampler-checks.js';
import type { Sampler, SamplerOptions, SamplerState } from './sampler.js';

export const TEMPERATURE_OPTIONS: OptionSchema = {
  tau: { type: 'number', default: 1, min: 0, exclusiveMin: true, doc: 'temperature τ: 1 samples classes in proportion to their size, large values uniformly' },
};

export const COOLDOWN_OPTIONS: OptionSchema = {
  tau: { type: 'number', default: 5, min: 0, exclusiveMin: true, doc: 'temperature at the start of the run (high: rare classes upsampled)' },
  tauEnd: { type: 'number', default: 1, min: 0, exclusiveMin: true, doc: 'temperature after the cooldown (1: proportional to class size)' },
  switchAt: { type: 'number', default: 0.5, min: 0, max: 1, unit: 'fraction of planned draws', doc: 'where the cooldown ends (step: where tau switches to tauEnd)' },
  shape: { type: 'enum', default: 'step', values: ['step', 'linear'], doc: 'step: switch at switchAt; linear: 1/τ moves linearly from 1/tau to 1/tauEnd until switchAt' },
};

/** p_k(τ) = n_k^{1/τ} / Σ_j n_j^{1/τ}, computed in log space (stable for any τ > 0); empty classes get 0. */
export function temperatureProbabilities(classCounts: ArrayLike<number>, tau: number): Float64Array {
  const k = classCounts.length;
  const p = new Float64Array(k);
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (classCounts[c]! > 0) max = Math.max(max, Math.log(classCounts[c]!) / tau);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    p[c] = classCounts[c]! > 0 ? Math.exp(Math.log(classCounts[c]!) / tau - max) : 0;
    sum += p[c]!;
  }
  for (let c = 0; c < k; c++) p[c]! /= sum;
  return p;
}

export class CooldownSampler implements Sampler {
  readonly count: number;
  /** Samples of class k: members[start[k] .. start[k+1]) in file order. */
  private readonly members: Int32Array;
  private readonly start: Int32Array;
  readonly classCounts: Int32Array;
  private readonly tauStart: number;
  private readonly tauEnd: number;
  private readonly switchAt: number;
  private readonly shape: 'step' | 'linear';
  private readonly plannedDraws: number;
  private base: RngStream;
  private choice: RngStream;
  private draws = 0;
  private readonly perClass: Float64Array;
  /** Cached permutation of each class, and which cycle it belongs to. */
  private readonly perms: (Int32Array | null)[];
  private readonly permCycle: Float64Array;
  /** Cumulative class probabilities for `cdfTau`. */
  private cdf: Float64Array;
  private cdfTau = NaN;

  constructor(
    readonly kind: 'temperature' | 'cooldown',
    opts: SamplerOptions,
  ) {
    checkSamplerCount(kind, opts.count);
    const fix = `e.g. --sampler '${kind}:tau=2'`;
    if (!opts.rng) throw new SnnError('config.invalid', `the ${kind} sampler needs a random stream`, `pass rng: RngStream.derive(seed, 'sampler/${kind}')`);
    if (!opts.labels || opts.labels.length !== opts.count) {
      throw new SnnError('config.invalid', `the ${kind} sampler needs the class label of each of the ${opts.count} samples`, 'pass labels (the training set labels)');
    }
    const o = opts.options ?? {};
    const schema = kind === 'cooldown' ? COOLDOWN_OPTIONS : TEMPERATURE_OPTIONS;
    const num = (key: string): number => Number(o[key] ?? (schema[key]!.default as number));
    this.tauStart = num('tau');
    this.tauEnd = kind === 'cooldown' ? num('tauEnd') : this.tauStart;
    this.switchAt = kind === 'cooldown' ? num('switchAt') : 0;
    this.shape = kind === 'cooldown' && o.shape === 'linear' ? 'linear' : 'step';
    for (const [name, v] of [['tau', this.tauStart], ['tauEnd', this.tauEnd]] as const) {
      if (!(v > 0 && Number.isFinite(v))) throw new SnnError('config.invalid', `${kind} sampler option ${name} must be a positive number, got ${v}`, fix);
    }
    if (kind === 'cooldown' && !(opts.plannedDraws !== undefined && Number.isInteger(opts.plannedDraws) && opts.plannedDraws > 0)) {
      throw new SnnError('config.invalid', 'the cooldown sampler needs the planned number of draws of the run', 'pass plannedDraws (its temperature schedule runs over them)');
    }
    this.plannedDraws = opts.plannedDraws ?? 1;
    this.count = opts.count;
    let classes = 0;
    for (let i = 0; i < opts.count; i++) {
      const l = opts.labels[i]!;
      if (!Number.isInteger(l) || l < 0) throw new SnnError('config.invalid', `${kind} sampler: label ${l} of sample ${i} is not a class index`, 'labels are whole numbers ≥ 0');
      classes = Math.max(classes, l + 1);
    }
    this.classCounts = new Int32Array(classes);
    for (let i = 0; i < opts.count; i++) this.classCounts[opts.labels[i]!]!++;
    this.start = new Int32Array(classes + 1);
    for (let c = 0; c < classes; c++) this.start[c + 1] = this.start[c]! + this.classCounts[c]!;
    this.members = new Int32Array(opts.count);
    const fill = this.start.slice(0, classes);
    for (let i = 0; i < opts.count; i++) this.members[fill[opts.labels[i]!]!++] = i;
    this.perClass = new Float64Array(classes);
    this.perms = new Array<Int32Array | null>(classes).fill(null);
    this.permCycle = new Float64Array(classes).fill(-1);
    this.cdf = new Float64Array(classes);
    this.base = opts.rng;
    this.choice = opts.rng.split('class-choice');
  }

  /** τ in force at draw number `draw` (0-based) of the run. */
  tauAt(draw: number): number {
    if (this.kind === 'temperature') return this.tauStart;
    const f = draw / this.plannedDraws;
    if (f >= this.switchAt) return this.tauEnd;
    if (this.shape === 'step') return this.tauStart;
    const x = f / this.switchAt;
    return 1 / ((1 - x) / this.tauStart + x / this.tauEnd);
  }

  /** Class probabilities p_k at draw number `draw`. */
  probabilities(draw = this.draws): Float64Array {
    return temperatureProbabilities(this.classCounts, this.tauAt(draw));
  }

  get epoch(): number {
    return Math.floor(this.draws / this.count);
  }

  next(): number {
    const tau = this.tauAt(this.draws);
    if (tau !== this.cdfTau) {
      const p = temperatureProbabilities(this.classCounts, tau);
      let acc = 0;
      for (let c = 0; c < p.length; c++) this.cdf[c] = acc += p[c]!;
      this.cdfTau = tau;
    }
    const u = this.choice.uniform() * this.cdf[this.cdf.length - 1]!;
    let k = 0;
    while (k < this.cdf.length - 1 && (u >= this.cdf[k]! || this.classCounts[k] === 0)) k++;
    this.draws++;
    const n = this.classCounts[k]!;
    const d = this.perClass[k]!++;
    const cycle = Math.floor(d / n);
    if (this.permCycle[k] !== cycle) {
      const perm = this.members.slice(this.start[k]!, this.start[k + 1]!);
      this.perms[k] = this.base.split(`class:${k}/cycle:${cycle}`).shuffle(perm);
      this.permCycle[k] = cycle;
    }
    return this.perms[k]![d - cycle * n]!;
  }

  getState(): SamplerState {
    return { kind: this.kind, count: this.count, draws: this.draws, perClass: Array.from(this.perClass), choice: this.choice.getState(), rng: this.base.getState() };
  }

  setState(state: SamplerState): void {
    checkSamplerState(state, this.kind, this.count);
    const { draws, perClass, choice, rng } = state;
    const okCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (!okCount(draws) || !Array.isArray(perClass) || perClass.length !== this.perClass.length || !perClass.every(okCount) || !Array.isArray(choice) || !Array.isArray(rng)) {
      throw new SnnError('config.invalid', `${this.kind} sampler state is malformed`, 'use a state saved by getState() over the same labels');
    }
    this.draws = draws;
    this.perClass.set(perClass as number[]);
    this.choice = RngStream.fromState(choice as number[]);
    this.base = RngStream.fromState(rng as number[]);
    this.permCycle.fill(-1);
    this.cdfTau = NaN;
  }
}
