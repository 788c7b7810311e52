/**
 * Poisson rate coding of images, generated event by event (docs/datasets.md, "Poisson encoder").
 *
 * Rate of input i: r_i = pixel_i / 8 × intensity Hz (intensity 2 ⇒ 63.75 Hz for a 255 pixel).
 *
 * Why event-driven: a Bernoulli draw per input per step costs 784 × 700 uniforms per 350 ms
 * sample (≈4.5 ms, more than the whole N = 400 network step); drawing only the spikes, as
 * exponential waiting times, costs ≈0.3–0.4 ms. Spikes are then counting-sorted into steps.
 *
 * Semantics on a dt grid (exact, not approximate):
 * - Time is measured in steps. For an input with λ expected events per step, the next event after
 *   step boundary b lies at b + E with E ~ Exp(λ); it falls in step n = ⌊b + E⌋.
 * - **At most one spike per input per step.** A second event drawn inside the same step is
 *   merged into the first. Because a Poisson process is memoryless, "draw further intervals and
 *   drop those in step n" has the same distribution as "restart at boundary n + 1", which is what
 *   the code does (one draw per emitted spike, and no loop that could stall at huge rates). Hence
 *   each step independently holds a spike with probability p = 1 − e^(−r·dt), slightly below
 *   r·dt (−1.6 % at 63.75 Hz, dt 0.5 ms), exactly like the Bernoulli reference with that p.
 * - `stepProbability: 'linear'` instead uses p = min(1, r·dt), the threshold Hao et al.'s GeNN
 *   `Poi` neuron compares its uniform draw with, by drawing with λ = −ln(1 − p).
 * - `deadSteps: k` forbids a spike in the k steps after a spike (Hao's `Poi` has k = 1: the
 *   step after a spike is a forced reset); the restart boundary becomes n + 1 + k. Same name and
 *   meaning as in `models/poisson-source.ts`, the engine's on-line Poisson population.
 * - Inputs with rate 0 never spike and consume no random numbers.
 * - Within a step, ids ascend (inputs are generated in id order and the sort is stable), so the
 *   output depends only on (rates, rng state).
 *
 * Output layout (CSR by step), reused across calls with no allocation once the id buffer is large
 * enough: spikes of step n are `ids[stepStart[n] .. stepStart[n+1])`; step n starts at t0 + n·dt.
 * The returned object and its arrays are overwritten by the next call, and `ids` is replaced when
 * it grows: read `out.ids` after each call, do not keep an old reference.
 */
import { SnnError } from '../engine/errors.js';
import type { RngStream } from '../engine/rng.js';

export interface StepSpikes {
  /** Number of steps in the presentation. */
  readonly steps: number;
  /** Total number of spikes (= stepStart[steps]). */
  count: number;
  /** steps + 1 offsets into `ids`. */
  readonly stepStart: Int32Array;
  /** Input indices, grouped by step, ascending within a step; only [0, count) is meaningful. */
  ids: Int32Array;
}

export type StepProbability = 'exponential' | 'linear';

export interface PoissonEncoderOptions {
  /** Number of inputs (784 for 28×28 images). */
  size: number;
  /** Time step in ms (Hao: 0.5). */
  dt: number;
  /** Presentation length in ms (Hao: 350); rounded to whole steps. */
  durationMs: number;
  /** Hz per pixel unit per unit intensity: r = pixel × rateScale × intensity. Default 1/8. */
  rateScale?: number;
  /** Per-step spike probability: 1 − e^(−r·dt) ('exponential', default) or min(1, r·dt) ('linear'). */
  stepProbability?: StepProbability;
  /** Steps after a spike during which an input cannot spike again. Default 0. */
  deadSteps?: number;
  /** Initial id capacity (grows ×2 when exceeded). Default 4096. */
  initialCapacity?: number;
}

interface ResolvedOptions {
  size: number;
  dt: number;
  steps: number;
  rateScale: number;
  stepProbability: StepProbability;
  deadSteps: number;
}

function resolveOptions(o: PoissonEncoderOptions): ResolvedOptions {
  const bad = (what: string, hint: string): never => {
    throw new SnnError('config.invalid', `Poisson encoder: ${what}`, hint);
  };
  if (!Number.isInteger(o.size) || o.size <= 0) bad(`size must be a positive integer, got ${o.size}`, 'use the input count, e.g. 784');
  if (!(o.dt > 0) || !Number.isFinite(o.dt)) bad(`dt must be a positive number of ms, got ${o.dt}`, 'use e.g. dt: 0.5');
  if (!(o.durationMs >= 0) || !Number.isFinite(o.durationMs)) {
    bad(`durationMs must be ≥ 0, got ${o.durationMs}`, 'use e.g. durationMs: 350');
  }
  const steps = Math.round(o.durationMs / o.dt);
  if (Math.abs(steps * o.dt - o.durationMs) > 1e-9 * Math.max(1, o.durationMs)) {
    bad(`durationMs ${o.durationMs} is not a whole number of dt = ${o.dt} steps`, 'make the duration a multiple of dt');
  }
  const rateScale = o.rateScale ?? 1 / 8;
  if (!(rateScale >= 0) || !Number.isFinite(rateScale)) bad(`rateScale must be ≥ 0, got ${rateScale}`, 'use e.g. 1/8');
  const deadSteps = o.deadSteps ?? 0;
  if (!Number.isInteger(deadSteps) || deadSteps < 0) {
    bad(`deadSteps must be a whole number ≥ 0, got ${deadSteps}`, 'use 0 (Poisson) or 1 (Hao GeNN Poi)');
  }
  const stepProbability = o.stepProbability ?? 'exponential';
  if (stepProbability !== 'exponential' && stepProbability !== 'linear') {
    bad(`unknown stepProbability "${String(stepProbability)}"`, 'use exponential or linear');
  }
  return { size: o.size, dt: o.dt, steps, rateScale, stepProbability, deadSteps };
}

/** Expected events per step, λ, for a rate in Hz, such that P(spike in a step) matches the mode. */
function lambdaPerStep(rateHz: number, dt: number, mode: StepProbability): number {
  const x = (rateHz * dt) / 1000; // Hz × ms → expected events per step
  if (mode === 'exponential') return x;
  // linear: want 1 − e^(−λ) = min(1, x). λ = ∞ makes every step outside the dead time spike.
  return x >= 1 ? Infinity : -Math.log1p(-x);
}

function checkIntensity(intensity: number): void {
  if (!(intensity >= 0) || !Number.isFinite(intensity)) {
    throw new SnnError(
      'config.invalid',
      `input intensity must be a finite number ≥ 0, got ${intensity}`,
      'the presentation protocol starts at 2',
    );
  }
}

export class PoissonEncoder {
  readonly size: number;
  readonly dt: number;
  readonly steps: number;
  readonly rateScale: number;
  readonly stepProbability: StepProbability;
  readonly deadSteps: number;

  private readonly out: StepSpikes;
  /** λ per input for the current call (scratch). */
  private readonly lambda: Float64Array;
  /** Per-step write cursor of the counting sort (scratch). */
  private readonly cursor: Int32Array;
  /** Unsorted (step, id) pairs of the current call, in generation order. */
  private pairStep: Int32Array;
  private pairId: Int32Array;

  constructor(opts: PoissonEncoderOptions) {
    const r = resolveOptions(opts);
    this.size = r.size;
    this.dt = r.dt;
    this.steps = r.steps;
    this.rateScale = r.rateScale;
    this.stepProbability = r.stepProbability;
    this.deadSteps = r.deadSteps;
    const cap = Math.max(16, opts.initialCapacity ?? 4096);
    this.out = { steps: r.steps, count: 0, stepStart: new Int32Array(r.steps + 1), ids: new Int32Array(cap) };
    this.lambda = new Float64Array(r.size);
    this.cursor = new Int32Array(r.steps);
    this.pairStep = new Int32Array(cap);
    this.pairId = new Int32Array(cap);
  }

  /** Rate in Hz of a pixel value at an intensity (r = pixel × rateScale × intensity). */
  rateOf(pixel: number, intensity: number): number {
    return pixel * this.rateScale * intensity;
  }

  /**
   * Spikes of one presentation of an image. `pixels` holds `size` values (a view of one image,
   * e.g. `imageOf(ds, i)`); `rng` is advanced by one draw per spike plus one per active input.
   */
  encode(pixels: ArrayLike<number>, intensity: number, rng: RngStream): StepSpikes {
    this.checkSize(pixels.length);
    checkIntensity(intensity);
    const scale = this.rateScale * intensity;
    for (let i = 0; i < this.size; i++) {
      this.lambda[i] = lambdaPerStep(pixels[i]! * scale, this.dt, this.stepProbability);
    }
    return this.generate(rng);
  }

  /** Spikes of one presentation for explicit per-input rates in Hz (teachers, custom stimuli). */
  encodeRates(ratesHz: ArrayLike<number>, rng: RngStream): StepSpikes {
    this.checkSize(ratesHz.length);
    for (let i = 0; i < this.size; i++) {
      const r = ratesHz[i]!;
      if (!(r >= 0) || !Number.isFinite(r)) {
        throw new SnnError('config.invalid', `rate of input ${i} must be a finite number ≥ 0 Hz, got ${r}`, 'check the rate array');
      }
      this.lambda[i] = lambdaPerStep(r, this.dt, this.stepProbability);
    }
    return this.generate(rng);
  }

  private checkSize(n: number): void {
    if (n !== this.size) {
      throw new SnnError(
        'config.invalid',
        `Poisson encoder built for ${this.size} inputs was given ${n} values`,
        'pass one image (rows × cols pixels) per call',
      );
    }
  }

  private generate(rng: RngStream): StepSpikes {
    const steps = this.steps;
    const nextAfter = 1 + this.deadSteps;
    let n = 0;
    // Pass 1: per input in id order, walk its spike steps (see the header for why restarting at
    // the next allowed boundary is exact).
    for (let i = 0; i < this.size; i++) {
      const lam = this.lambda[i]!;
      if (lam === 0) continue;
      let base = 0;
      while (base < steps) {
        const x = base + rng.exponential(lam);
        if (x >= steps) break;
        const step = Math.floor(x); // ≥ base: base is an integer and the draw is ≥ 0
        if (n === this.pairStep.length) this.grow();
        this.pairStep[n] = step;
        this.pairId[n] = i;
        n++;
        base = step + nextAfter;
      }
    }
    // Pass 2: counting sort by step; stable, so ids stay ascending within each step.
    const out = this.out;
    if (out.ids.length < n) out.ids = new Int32Array(this.pairStep.length);
    const start = out.stepStart;
    start.fill(0);
    for (let k = 0; k < n; k++) start[this.pairStep[k]! + 1]++;
    for (let s = 0; s < steps; s++) {
      start[s + 1] += start[s]!;
      this.cursor[s] = start[s]!;
    }
    const ids = out.ids;
    for (let k = 0; k < n; k++) ids[this.cursor[this.pairStep[k]!]++] = this.pairId[k]!;
    out.count = n;
    return out;
  }

  /** Doubles the pair buffers (geometric growth keeps total copying linear). */
  private grow(): void {
    const cap = this.pairStep.length * 2;
    const s = new Int32Array(cap);
    s.set(this.pairStep);
    const d = new Int32Array(cap);
    d.set(this.pairId);
    this.pairStep = s;
    this.pairId = d;
  }
}

/**
 * Columnar copy `{ times (ms), ids }` of step spikes, time-ordered, a spike in step n at t0 + n·dt
 * (the layout of recorders and `SpikeSourceArray`). Allocates: for recording and replay, not the
 * per-sample hot path.
 */
export function stepSpikesToTrain(s: StepSpikes, dt: number, t0 = 0): { times: Float64Array; ids: Int32Array } {
  const times = new Float64Array(s.count);
  for (let n = 0; n < s.steps; n++) {
    const t = t0 + n * dt;
    for (let k = s.stepStart[n]!; k < s.stepStart[n + 1]!; k++) times[k] = t;
  }
  return { times, ids: s.ids.slice(0, s.count) };
}

/**
 * Reference version: one uniform draw per input per step, with the same per-step probability
 * and dead-time rule as `PoissonEncoder`. Slow (size × steps draws) and allocating; for tests
 * that check the event-driven encoder against the definition. Draws differ, distributions match.
 */
export function bernoulliReference(
  opts: PoissonEncoderOptions,
  pixels: ArrayLike<number>,
  intensity: number,
  rng: RngStream,
): StepSpikes {
  const r = resolveOptions(opts);
  checkIntensity(intensity);
  const p = new Float64Array(r.size);
  for (let i = 0; i < r.size; i++) {
    const lam = lambdaPerStep(pixels[i]! * r.rateScale * intensity, r.dt, r.stepProbability);
    p[i] = -Math.expm1(-lam); // 1 − e^(−λ), accurate for small λ; 1 for λ = ∞
  }
  const blockedUntil = new Int32Array(r.size); // first step each input may spike again
  const stepStart = new Int32Array(r.steps + 1);
  const ids: number[] = [];
  for (let s = 0; s < r.steps; s++) {
    for (let i = 0; i < r.size; i++) {
      if (p[i] === 0 || s < blockedUntil[i]!) continue;
      if (rng.uniform() < p[i]!) {
        ids.push(i);
        blockedUntil[i] = s + 1 + r.deadSteps;
      }
    }
    stepStart[s + 1] = ids.length;
  }
  return { steps: r.steps, count: ids.length, stepStart, ids: Int32Array.from(ids) };
}
