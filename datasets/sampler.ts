/**
 * Sample-order policies ("which training sample comes next"), behind one registry.
 *
 * A sampler yields indices into a data set of `count` samples, one per accepted presentation
 * (a re-presentation of the same sample does not call `next`). Its whole position is a small
 * JSON-serialisable state, so a checkpoint stores it and a resumed run continues the identical
 * sequence: `setState(getState())` on a fresh sampler ≡ never having stopped.
 *
 * Built in: `sequential` (Hao et al.: `images[k % count]`, no shuffling), `shuffled` (a new
 * seeded permutation per epoch), `rs2` (a random subset per round) and the class-balanced
 * `temperature` and `cooldown`. More register through `registerSampler`.
 */
import { SnnError } from '../engine/errors.js';
import { Registry, type OptionValue, type PluginInfo } from '../engine/registry.js';
import type { RngStream } from '../engine/rng.js';
import { SequentialSampler } from './sequential-sampler.js';
import { ShuffledSampler } from './shuffled-sampler.js';
import { RS2_OPTIONS, Rs2Sampler } from './rs2-sampler.js';
import { COOLDOWN_OPTIONS, CooldownSampler, TEMPERATURE_OPTIONS } from './cooldown-sampler.js';

/** Plain data (numbers, strings, arrays, objects) so it round-trips through JSON and msgpack. */
export interface SamplerState {
  readonly kind: string;
  readonly [key: string]: unknown;
}

export interface Sampler {
  /** Registry name of this sampler's kind. */
  readonly kind: string;
  /** Size of the data set sampled from. */
  readonly count: number;
  /** Index of the next sample, in [0, count). */
  next(): number;
  /** Completed passes over the data set so far (the epoch the next index belongs to). */
  readonly epoch: number;
  getState(): SamplerState;
  /** Restores a state from `getState` (of a sampler of the same kind and count). */
  setState(state: SamplerState): void;
  /**
   * Samples per round, for samplers that visit a subset per round (RS2): a trainer then counts a
   * round as its epoch. Absent: an epoch is a pass of `count` draws.
   */
  readonly roundSize?: number;
}

export interface SamplerOptions {
  /** Number of samples in the data set. */
  count: number;
  /** Random stream for samplers that need one, e.g. `RngStream.derive(seed, 'sampler/train')`. */
  rng?: RngStream;
  /** Class label of every sample, for class-aware samplers (temperature / Cooldown sampling). */
  labels?: ArrayLike<number>;
  /** Planned number of draws of the whole run, for samplers whose schedule depends on progress. */
  plannedDraws?: number;
  /** The sampler's own options, resolved against its schema (`--sampler 'rs2:ratio=0.1'`). */
  options?: Record<string, OptionValue | null>;
}

export type SamplerFactory = (opts: SamplerOptions) => Sampler;

/** Sample-order policies by name: one file each plus one line here (or `registerSampler`). */
export const samplers = new Registry<SamplerFactory>('sampler');

samplers.register('sequential', (o) => new SequentialSampler(o), { summary: 'the data set in file order, again every epoch (Hao et al.)', options: {} });
samplers.register('shuffled', (o) => new ShuffledSampler(o), { summary: 'a new seeded permutation every epoch', options: {} });
samplers.register('rs2', (o) => new Rs2Sampler(o), { summary: 'a fresh random subset per round, every sample once per 1/ratio rounds (RS2, Okanovic et al. 2024)', options: RS2_OPTIONS });
samplers.register('temperature', (o) => new CooldownSampler('temperature', o), { summary: 'class-balanced: class k drawn with p ∝ n_k^(1/tau) (temperature sampling, Li et al. 2025)', options: TEMPERATURE_OPTIONS });
samplers.register('cooldown', (o) => new CooldownSampler('cooldown', o), { summary: 'temperature sampling whose tau falls from tau to tauEnd over the run (Cooldown, Li et al. 2025)', options: COOLDOWN_OPTIONS });

/** Adds a sampler kind. Names are unique: re-registering one is an error, not an override. */
export function registerSampler(name: string, factory: SamplerFactory, info?: PluginInfo): void {
  if (samplers.has(name)) {
    throw new SnnError(
      'config.invalid',
      `sampler "${name}" is already registered`,
      'choose another name for the new sampler',
    );
  }
  samplers.register(name, factory, info);
}

/** Registered sampler names, sorted. */
export function samplerNames(): string[] {
  return samplers.names();
}

/**
 * Builds a sampler by name; an unknown name's error lists the known ones. `raw` options (strings
 * from the command line or values from a recipe) are checked against the sampler's schema.
 */
export function createSampler(name: string, opts: SamplerOptions, raw: Readonly<Record<string, unknown>> = {}): Sampler {
  if (!samplers.has(name)) {
    throw new SnnError('config.invalid', `unknown sampler "${name}"`, `known samplers: ${samplerNames().join(', ')}`);
  }
  return samplers.get(name)({ ...opts, options: samplers.options(name, raw) });
}

export { checkSamplerCount, checkSamplerState } from './sampler-checks.js';
