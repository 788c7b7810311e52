/**
 * Numerical guard: stops a run at the first NaN or ±Infinity in its state instead of letting it
 * spread silently into every spike, weight and checkpoint that follows.
 *
 * It scans typed arrays it is given (engine/ knows no populations: callers pass the arrays with
 * their population and variable names). A scan is one pass of `x - x !== 0` per value (true only
 * for NaN and ±Infinity), about as cheap as a copy; callers choose how often: every step
 * (`snn simulate --check-finite`, slow), every K steps (the default), or once per presentation and
 * before every checkpoint (training), so a bad state is never written to disk.
 */
import { SnnError } from './errors.js';

/** A named array of state (or weights) to watch. */
export interface GuardedArray {
  population: string;
  variable: string;
  values: ArrayLike<number>;
}

/** Where the first non-finite value is. */
export interface NonFinite {
  population: string;
  variable: string;
  neuron: number;
  value: number;
}

/** Index of the first NaN or ±Infinity in `values`, or -1. */
export function firstNonFinite(values: ArrayLike<number>): number {
  const n = values.length;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (x - x !== 0) return i;
  }
  return -1;
}

/** The first non-finite value among `arrays` (in their order), or null. */
export function findNonFinite(arrays: readonly GuardedArray[]): NonFinite | null {
  for (const a of arrays) {
    const i = firstNonFinite(a.values);
    if (i >= 0) return { population: a.population, variable: a.variable, neuron: i, value: a.values[i]! };
  }
  return null;
}

export interface FiniteCheckContext {
  /** Simulated time of the check, ms. */
  timeMs: number;
  /** Time of the last check that passed (the value went bad after it), ms; omit if unknown. */
  lastGoodMs?: number;
  /** What the arrays are, for the message: 'state' (default), 'weights', ... */
  what?: string;
  /** The fix to suggest. */
  hint?: string;
}

const DEFAULT_HINT = 'check the parameters and weights for values that make the dynamics diverge (huge weights, tiny time constants, dt too large)';

/** Throws SnnError('numeric.nonfinite') naming population, variable, neuron and time if any value is NaN or ±Infinity. */
export function assertFinite(arrays: readonly GuardedArray[], ctx: FiniteCheckContext): void {
  const bad = findNonFinite(arrays);
  if (bad === null) return;
  const when =
    ctx.lastGoodMs !== undefined && ctx.lastGoodMs < ctx.timeMs
      ? `at t = ${fmt(ctx.timeMs)} ms (finite at t = ${fmt(ctx.lastGoodMs)} ms)`
      : `at t = ${fmt(ctx.timeMs)} ms`;
  throw new SnnError(
    'numeric.nonfinite',
    `non-finite ${ctx.what ?? 'state'}: ${bad.population}.${bad.variable}[${bad.neuron}] = ${bad.value} ${when}`,
    ctx.hint ?? DEFAULT_HINT,
  );
}

/** A time in ms without float noise (99.99999999999 → 100). */
const fmt = (ms: number): string => String(Number(ms.toPrecision(12)));

/**
 * Checks a fixed set of arrays every `everySteps` steps of a clock-driven run. `arrays` is called
 * at each check (state arrays may be replaced, e.g. when WebAssembly memory grows).
 */
export class FiniteGuard {
  private lastGoodMs = 0;
  private sinceCheck = 0;

  constructor(
    private readonly arrays: () => readonly GuardedArray[],
    readonly everySteps: number,
  ) {
    if (!Number.isInteger(everySteps) || everySteps < 1) {
      throw new SnnError('usage', `the finite check interval must be a whole number of steps ≥ 1, got ${everySteps}`, 'use 1 to check every step');
    }
  }

  /** Call after each step that ended at `timeMs`; scans when the interval is due. */
  afterStep(timeMs: number): void {
    if (++this.sinceCheck < this.everySteps) return;
    this.check(timeMs);
  }

  /** Scans now (e.g. at the end of a run). */
  check(timeMs: number): void {
    this.sinceCheck = 0;
    assertFinite(this.arrays(), {
      timeMs,
      ...(this.everySteps > 1 ? { lastGoodMs: this.lastGoodMs, hint: `${DEFAULT_HINT}; rerun with --check-finite to stop at the first bad step` } : {}),
    });
    this.lastGoodMs = timeMs;
  }
}
