/**
 * Seeded, splittable random streams.
 *
 * Every random draw in snn comes from an `RngStream`. Streams are derived from a root seed and a
 * purpose name (`"pop:exc/init"`, `"encoder/train"`, `"rule:sym-stdp"`), so adding a new consumer
 * never shifts the numbers another consumer sees, and the same (seed, name) always gives the same
 * sequence. The generator is pure-rand's xoroshiro128+; its 128-bit state is seeded through
 * SplitMix32 from a hash of (seed, name), and can be saved and restored for checkpoints.
 */
import {
  xoroshiro128plus,
  xoroshiro128plusFromState,
} from 'pure-rand/generator/xoroshiro128plus';
import { SnnError } from './errors.js';

type Generator = ReturnType<typeof xoroshiro128plus>;

const TWO_POW_M26 = 1.4901161193847656e-8; // 2^-26
const TWO_POW_M53 = 1.1102230246251565e-16; // 2^-53

/** FNV-1a over UTF-16 code units: a stable 32-bit hash of a stream name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** SplitMix32 step: turns correlated seeds into well-mixed state words. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) | 0;
}

export function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SnnError(
      'config.invalid',
      `seed must be an integer in [0, 4294967295], got ${seed}`,
      'pass --seed with a whole number',
    );
  }
}

export class RngStream {
  private gen: Generator;
  /** Cached second normal deviate of the Box–Muller pair. */
  private spareNormal = NaN;

  constructor(gen: Generator) {
    this.gen = gen;
  }

  /** Stream for (seed, name); independent of every other name. */
  static derive(seed: number, name: string): RngStream {
    checkSeed(seed);
    const st = { s: (seed ^ Math.imul(hashName(name), 0x27d4eb2d)) | 0 };
    const words = [splitmix32(st), splitmix32(st), splitmix32(st), splitmix32(st)];
    if (!words.some((w) => w !== 0)) words[0] = 1; // xoroshiro must not start from all zeros
    return new RngStream(xoroshiro128plusFromState(words));
  }

  /** A child stream named relative to this one (e.g. one per sample), without consuming draws. */
  split(name: string): RngStream {
    const st = this.gen.getState();
    const mix = { s: (st[0]! ^ st[2]! ^ hashName(name)) | 0 };
    const words = [
      splitmix32(mix) ^ st[1]!,
      splitmix32(mix) ^ st[3]!,
      splitmix32(mix),
      splitmix32(mix),
    ];
    if (!words.some((w) => w !== 0)) words[0] = 1;
    return new RngStream(xoroshiro128plusFromState(words));
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.gen.next() & 0x3ffffff;
    const b = this.gen.next() & 0x7ffffff;
    return a * TWO_POW_M26 + b * TWO_POW_M53;
  }

  /** Uniform double in (0, 1]: safe under log. */
  uniformOpenZero(): number {
    return 1 - this.uniform();
  }

  uniformRange(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Exponential deviate with the given rate (events per unit time). */
  exponential(rate: number): number {
    return -Math.log(this.uniformOpenZero()) / rate;
  }

  /** Standard normal deviate (Box–Muller, pairs cached). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const v = this.spareNormal;
      this.spareNormal = NaN;
      return v;
    }
    const r = Math.sqrt(-2 * Math.log(this.uniformOpenZero()));
    const phi = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(phi);
    return r * Math.cos(phi);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** Serialisable state, for checkpoints: restoring it continues the exact same sequence. */
  getState(): number[] {
    return [...this.gen.getState(), this.spareNormal];
  }

  static fromState(state: readonly number[]): RngStream {
    const s = new RngStream(xoroshiro128plusFromState(state.slice(0, 4)));
    s.spareNormal = state.length > 4 ? (state[4] as number) : NaN;
    return s;
  }
}
