/**
 * Shared pieces of the parser fuzz tests (test/fuzz/*.fuzz.test.ts).
 *
 * Every property runs with a fixed seed, so CI is reproducible; `SNN_FUZZ_SCALE=10` multiplies the
 * run counts and `SNN_FUZZ_SEED=N` changes the seed for longer exploratory runs (bench/log/reliability.md).
 * The contract checked: a parser returns a correct result or throws SnnError — never another
 * exception, never a hang (each case has a time budget), never an allocation sized by a declared
 * length that the input cannot back (inputs are capped, so such a case would blow the budget or
 * the heap).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { SnnError } from '../../engine/errors.js';

export const FUZZ_SCALE = Number(process.env.SNN_FUZZ_SCALE ?? 1);

/** fast-check parameters: fixed seed (overridable), run count scaled by SNN_FUZZ_SCALE. */
export function fuzzParams(seed: number, numRuns: number): fc.Parameters<unknown> {
  const envSeed = process.env.SNN_FUZZ_SEED;
  return { seed: envSeed === undefined ? seed : Number(envSeed) + seed, numRuns: Math.max(1, Math.round(numRuns * FUZZ_SCALE)) };
}

/** Wall-clock budget per case, ms: generous for loaded CI machines, far below any real hang. */
export const CASE_BUDGET_MS = 2000;

/** Runs `f`: passes if it returns (then `check` the result) or throws SnnError; fails on anything else or on a slow case. */
export function survives<T>(f: () => T, check?: (v: T) => void, budgetMs = CASE_BUDGET_MS): 'ok' | 'error' {
  const t0 = performance.now();
  let v: T;
  try {
    v = f();
  } catch (err) {
    expect(performance.now() - t0, 'case exceeded its time budget').toBeLessThan(budgetMs);
    if (!(err instanceof SnnError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    return 'error';
  }
  expect(performance.now() - t0, 'case exceeded its time budget').toBeLessThan(budgetMs);
  check?.(v);
  return 'ok';
}

export async function survivesAsync<T>(f: () => Promise<T>, check?: (v: T) => void, budgetMs = CASE_BUDGET_MS): Promise<'ok' | 'error'> {
  const t0 = performance.now();
  let v: T;
  try {
    v = await f();
  } catch (err) {
    expect(performance.now() - t0, 'case exceeded its time budget').toBeLessThan(budgetMs);
    if (!(err instanceof SnnError)) throw err;
    return 'error';
  }
  expect(performance.now() - t0, 'case exceeded its time budget').toBeLessThan(budgetMs);
  check?.(v);
  return 'ok';
}

/** Damage to a valid file: overwrite a few bytes, insert or delete a run, and/or cut it. */
export const byteMutation = (len: number) =>
  fc.record({
    edits: fc.array(fc.tuple(fc.nat({ max: Math.max(0, len - 1) }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    splice: fc.option(fc.tuple(fc.nat({ max: len }), fc.nat({ max: 16 }), fc.uint8Array({ maxLength: 16 })), { nil: undefined }),
    cut: fc.option(fc.nat({ max: len }), { nil: undefined }),
  });

export type ByteMutation = { edits: Array<[number, number]>; splice: [number, number, Uint8Array] | undefined; cut: number | undefined };

export function mutateBytes(valid: Uint8Array, m: ByteMutation): Uint8Array {
  let b = Uint8Array.from(valid);
  for (const [i, v] of m.edits) if (i < b.length) b[i] = v;
  if (m.splice) {
    const [at, del, ins] = m.splice;
    b = Uint8Array.from([...b.subarray(0, at), ...ins, ...b.subarray(Math.min(b.length, at + del))]);
  }
  return m.cut === undefined ? b : b.subarray(0, m.cut);
}

/** Big-endian / little-endian uint32 as bytes. */
export const u32be = (x: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(x >>> 0);
  return b;
};
export const u32le = (x: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(x >>> 0);
  return b;
};
