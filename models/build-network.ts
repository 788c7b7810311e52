/**
 * Builds a clock-driven `Network` from a validated description. Every random draw (initial
 * potentials, connectivity, weights, delays, Poisson spikes) comes from its own named stream of the
 * run's seed, so adding one population never changes the numbers another one gets.
 */
import os from 'node:os';
import { SnnError } from '../engine/errors.js';
import { allocFloat, type FloatArray, type Precision } from '../engine/float-array.js';
import { RngStream } from '../engine/rng.js';
import type { NetworkDescription, PopulationDescription, ProjectionDescription } from './description.js';
import { LIF_DEFAULTS, validateLif, type LifParams } from './lif.js';
import { LifPopulation } from './lif-population.js';
import { Network } from './network.js';
import { PoissonSource } from './poisson-source.js';
import type { Population } from './population.js';
import {
  AllButSelfProjection,
  DenseProjection,
  OneToOneProjection,
  SparseProjection,
  type Projection,
} from './projection.js';
import { SpikeSourceArray } from './spike-source-array.js';

export interface RunSettings {
  dt: number;
  precision: Precision;
  seed: number;
}

export function resolveSettings(desc: NetworkDescription, overrides: Partial<RunSettings> = {}): RunSettings {
  return {
    dt: overrides.dt ?? desc.dt ?? 0.1,
    precision: overrides.precision ?? desc.precision ?? 'f64',
    seed: overrides.seed ?? desc.seed ?? 0,
  };
}

export function lifParamsOf(p: Extract<PopulationDescription, { model: 'lif' }>): LifParams {
  const merged = { ...LIF_DEFAULTS, ...(p.params ?? {}) } as LifParams;
  validateLif(merged, `population '${p.name}'.params`);
  return merged;
}

/** Bytes the network will allocate (weights, delays, rings, state), for the memory check. */
export function estimateMemoryBytes(desc: NetworkDescription, s: RunSettings): number {
  const fb = s.precision === 'f32' ? 4 : 8;
  const sizes = new Map(desc.populations.map((p) => [p.name, p.size]));
  let bytes = 0;
  for (const p of desc.populations) bytes += p.size * 8 * 8;
  for (const pr of desc.projections ?? []) {
    const pre = sizes.get(pr.from) ?? 0;
    const post = sizes.get(pr.to) ?? 0;
    let syn = 0;
    if (pr.connectivity === 'dense') syn = pre * post;
    else if (pr.connectivity === 'one-to-one') syn = pre;
    else if (pr.connectivity === 'all-but-self') syn = 1;
    else if ('probability' in pr.connectivity) syn = pre * post * pr.connectivity.probability * 1.1 + pre;
    else syn = pr.connectivity.pairs.length;
    const perSynapseDelay = pr.delay !== undefined && typeof pr.delay !== 'number';
    bytes += syn * (fb + (perSynapseDelay ? 2 : 0) + (typeof pr.connectivity === 'object' ? 4 : 0));
    bytes += post * fb * 64; // ring slots (generous: delays up to 63 steps)
  }
  return bytes;
}

export function checkMemory(desc: NetworkDescription, s: RunSettings): void {
  const need = estimateMemoryBytes(desc, s);
  const available = os.freemem();
  if (need > 0.9 * available) {
    const gib = (b: number) => (b / 2 ** 30).toFixed(2);
    throw new SnnError(
      'resource.memory',
      `the network needs about ${gib(need)} GiB but only ${gib(available)} GiB of memory is available`,
      'reduce population sizes, use sparse connectivity, or use --precision f32',
    );
  }
}

export function buildNetwork(desc: NetworkDescription, s: RunSettings): Network {
  checkMemory(desc, s);
  checkReferences(desc);
  const net = new Network(s.dt, s.precision);
  const projections = desc.projections ?? [];
  // Connectivity first (every projection draws from its own stream, so the order changes no draw):
  // a population's WebAssembly memory must be sized for the sparse synapse lists it will hold.
  const sizes = new Map(desc.populations.map((p) => [p.name, p.size]));
  const syns = projections.map((pr, k) =>
    connect(pr, sizes.get(pr.from)!, sizes.get(pr.to)!, pr.from === pr.to, RngStream.derive(s.seed, `proj:${projectionName(pr, k)}/connect`), `projections[${k}]`),
  );
  const extra = new Map<string, number>();
  projections.forEach((pr, k) => {
    if (inPostMemory(pr, syns[k]!, s)) extra.set(pr.to, (extra.get(pr.to) ?? 0) + sparseBytes(pr, syns[k]!, sizes.get(pr.from)!));
  });
  for (const p of desc.populations) net.addPopulation(buildPopulation(p, s, net, extra.get(p.name) ?? 0));
  projections.forEach((pr, k) => net.addProjection(buildProjection(pr, k, net, s, syns[k]!)));
  net.finalize();
  return net;
}

function projectionName(pr: ProjectionDescription, index: number): string {
  return pr.name ?? `${pr.from}->${pr.to}#${index}`;
}

/**
 * A sparse projection with one delay keeps rowPtr, cols and its float64 weights in the WebAssembly
 * memory of its post population (when that population has one), beside the ring it writes, so its
 * spikes propagate through the wasm kernel (SparseProjection).
 */
function inPostMemory(pr: ProjectionDescription, syn: Synapses, s: RunSettings): boolean {
  return syn.kind === 'sparse' && s.precision === 'f64' && (pr.delay === undefined || typeof pr.delay === 'number');
}

/** Bytes of post-population memory the synapse arrays of `pr` take (16-byte aligned pieces). */
function sparseBytes(pr: ProjectionDescription, syn: Synapses, preSize: number): number {
  const a = (b: number) => (b + 15) & ~15;
  return a(4 * (preSize + 1)) + a(4 * syn.count) + a(8 * syn.count) + (pr.from === pr.to ? 0 : a(4 * preSize));
}

function checkReferences(desc: NetworkDescription): void {
  const names = desc.populations.map((p) => p.name);
  for (const [k, pr] of (desc.projections ?? []).entries()) {
    for (const end of ['from', 'to'] as const) {
      if (!names.includes(pr[end])) {
        throw new SnnError('config.invalid', `projections[${k}].${end} names population '${pr[end]}', which does not exist`, `known populations: ${names.join(', ')}`);
      }
    }
  }
}

function buildPopulation(p: PopulationDescription, s: RunSettings, net: Network, wasmExtraBytes: number): Population {
  switch (p.model) {
    case 'lif': {
      const params = lifParamsOf(p);
      return new LifPopulation(p.name, p.size, params, s.dt, s.precision, initialPotentials(p, params, s), { kernels: net.kernels, wasmExtraBytes });
    }
    case 'poisson': {
      const rates = perNeuron(p.rates, p.size, `population '${p.name}'.rates`);
      const deadSteps = p.deadTime === undefined ? 0 : stepsOf(p.deadTime, s.dt, `population '${p.name}'.deadTime`);
      const src = new PoissonSource(p.name, p.size, s.dt, RngStream.derive(s.seed, `pop:${p.name}/spikes`), rates, deadSteps);
      for (const [k, ch] of (p.rateChanges ?? []).entries()) {
        const r = perNeuron(ch.rates, p.size, `population '${p.name}'.rateChanges[${k}].rates`);
        net.at(ch.at, (step) => src.setRates(r, step));
      }
      return src;
    }
    case 'spike-source-array': {
      const times = p.spikes.map((x) => x[0]);
      const ids = p.spikes.map((x) => x[1]);
      return new SpikeSourceArray(p.name, p.size, times, ids, s.dt);
    }
  }
}

function initialPotentials(p: Extract<PopulationDescription, { model: 'lif' }>, params: LifParams, s: RunSettings): Float64Array | number {
  const v0 = p.v0;
  if (v0 === undefined) return params.vRest;
  if (typeof v0 === 'number') return v0;
  if (Array.isArray(v0)) return Float64Array.from(perNeuron(v0, p.size, `population '${p.name}'.v0`));
  const rng = RngStream.derive(s.seed, `pop:${p.name}/v0`);
  const [lo, hi] = v0.uniform;
  return Float64Array.from({ length: p.size }, () => rng.uniformRange(lo, hi));
}

/** One value per neuron from a single value or a list of exactly `n` (anything else: a one-line error naming `where`). */
export function perNeuron(x: number | number[], n: number, where: string): Float64Array {
  if (typeof x === 'number') return new Float64Array(n).fill(x);
  if (x.length !== n) throw new SnnError('config.invalid', `${where} has ${x.length} values for ${n} neurons`, `give one value or ${n} values`);
  return Float64Array.from(x);
}

export function stepsOf(ms: number, dt: number, where: string): number {
  const steps = Math.round(ms / dt);
  if (Math.abs(steps * dt - ms) > 1e-6 * dt) {
    throw new SnnError('config.invalid', `${where} = ${ms} ms is not a multiple of dt = ${dt} ms`, `use a multiple of ${dt} ms, or a smaller dt`);
  }
  if (steps > 65535) throw new SnnError('config.invalid', `${where} = ${ms} ms is longer than 65535 steps of dt`, 'use a larger dt or a shorter delay');
  return steps;
}

/** Synapse list of a projection description: CSR rows (sorted by pre, then post) or a layout kind. */
interface Synapses {
  kind: 'dense' | 'one-to-one' | 'all-but-self' | 'sparse';
  rowPtr?: Int32Array;
  cols?: Int32Array;
  count: number;
}

/** Synapses of `pr` between populations of `preSize` and `postSize` neurons (`same`: one population). */
function connect(pr: ProjectionDescription, preSize: number, postSize: number, same: boolean, rng: RngStream, where: string): Synapses {
  const pre = { size: preSize };
  const post = { size: postSize };
  const c = pr.connectivity;
  if (c === 'dense') return { kind: 'dense', count: pre.size * post.size };
  if (c === 'one-to-one') {
    if (pre.size !== post.size) throw new SnnError('config.invalid', `${where}: one-to-one needs equal sizes, got ${pre.size} → ${post.size}`, 'use dense or sparse connectivity');
    return { kind: 'one-to-one', count: pre.size };
  }
  if (c === 'all-but-self') {
    if (pre.size !== post.size) throw new SnnError('config.invalid', `${where}: all-but-self needs equal sizes, got ${pre.size} → ${post.size}`, 'use dense or sparse connectivity');
    return { kind: 'all-but-self', count: pre.size * (post.size - 1) };
  }
  const rows: number[][] = Array.from({ length: pre.size }, () => []);
  if ('probability' in c) {
    const allowSelf = c.allowSelf ?? true;
    const prob = c.probability;
    if (c.sampling === 'skip') return skipSample(pre, post, same, prob, allowSelf, rng);
    for (let i = 0; i < pre.size; i++) {
      const row = rows[i]!;
      for (let j = 0; j < post.size; j++) {
        if (rng.uniform() < prob && (allowSelf || i !== j || !same)) row.push(j);
      }
    }
  } else {
    for (const [k, [i, j]] of c.pairs.entries()) {
      if (i >= pre.size || j >= post.size) throw new SnnError('config.invalid', `${where}.connectivity.pairs[${k}] = [${i}, ${j}] is outside ${pre.size} × ${post.size}`, 'fix the neuron indices');
      rows[i]!.push(j);
    }
    for (const r of rows) r.sort((a, b) => a - b);
  }
  const rowPtr = new Int32Array(pre.size + 1);
  for (let i = 0; i < pre.size; i++) rowPtr[i + 1] = rowPtr[i]! + rows[i]!.length;
  const cols = new Int32Array(rowPtr[pre.size]!);
  let k = 0;
  for (const r of rows) for (const j of r) cols[k++] = j;
  return { kind: 'sparse', rowPtr, cols, count: cols.length };
}

/**
 * Bernoulli(p) connectivity by geometric skipping: the gap to the next synapse of a row is
 * ⌊ln U / ln(1 − p)⌋ with U uniform in (0, 1], so the work is proportional to the synapses made, not
 * to pre × post (Brian2 samples `connect(p=...)` the same way). Rows come out sorted.
 */
function skipSample(pre: { size: number }, post: { size: number }, same: boolean, p: number, allowSelf: boolean, rng: RngStream): Synapses {
  const n = post.size;
  const rowPtr = new Int32Array(pre.size + 1);
  let cols = new Int32Array(Math.max(16, Math.ceil(pre.size * n * p * 1.05 + 16)));
  let k = 0;
  const logQ = Math.log1p(-p);
  for (let i = 0; i < pre.size; i++) {
    if (p > 0) {
      for (let j = -1; ; ) {
        j += p >= 1 ? 1 : 1 + Math.floor(Math.log(rng.uniformOpenZero()) / logQ);
        if (j >= n) break;
        if (!allowSelf && i === j && same) continue;
        if (k === cols.length) {
          const grown = new Int32Array(cols.length * 2);
          grown.set(cols);
          cols = grown;
        }
        cols[k++] = j;
      }
    }
    rowPtr[i + 1] = k;
  }
  return { kind: 'sparse', rowPtr, cols: cols.slice(0, k), count: k };
}

/** Values per synapse in the layout's order, from a scalar, a distribution, or explicit arrays. */
function synapseValues(
  spec: ProjectionDescription['weights'] | NonNullable<ProjectionDescription['delay']>,
  syn: Synapses,
  pre: Population,
  post: Population,
  rng: RngStream,
  where: string,
  into: FloatArray | Float64Array,
): void {
  const n = into.length;
  if (typeof spec === 'number') {
    into.fill(spec);
    return;
  }
  if (!Array.isArray(spec)) {
    if ('uniform' in spec) {
      const [lo, hi] = spec.uniform;
      for (let k = 0; k < n; k++) into[k] = rng.uniformRange(lo, hi);
    } else {
      const { mean, std } = spec.normal;
      for (let k = 0; k < n; k++) into[k] = mean + std * rng.normal();
    }
    return;
  }
  if (syn.kind === 'dense') {
    if (spec.length !== pre.size || !spec.every((r) => Array.isArray(r) && r.length === post.size)) {
      throw new SnnError('config.invalid', `${where} must be a ${pre.size} × ${post.size} matrix ([pre][post]) for dense connectivity`, `check the shape: ${shapeOf(spec)} given`);
    }
    for (let i = 0; i < pre.size; i++) into.set(spec[i] as number[], i * post.size);
    return;
  }
  if (syn.kind === 'sparse' && spec.length > 0 && Array.isArray(spec[0]) && spec.length === pre.size && spec.every((r) => Array.isArray(r) && r.length === post.size)) {
    // A full matrix for a sparse projection: take the entries of the existing synapses.
    for (let i = 0; i < pre.size; i++) {
      for (let s = syn.rowPtr![i]!; s < syn.rowPtr![i + 1]!; s++) into[s] = (spec[i] as number[])[syn.cols![s]!]!;
    }
    return;
  }
  if (spec.length !== n || spec.some((x) => typeof x !== 'number')) {
    throw new SnnError('config.invalid', `${where} must have one value per synapse (${n}), got ${shapeOf(spec)}`, 'give a single value, a distribution, or the right number of values');
  }
  into.set(spec as number[]);
}

function shapeOf(a: unknown[]): string {
  return Array.isArray(a[0]) ? `${a.length} × ${(a[0] as unknown[]).length}` : `${a.length} values`;
}

function buildProjection(pr: ProjectionDescription, index: number, net: Network, s: RunSettings, syn: Synapses): Projection {
  const name = projectionName(pr, index);
  const where = `projections[${index}]`;
  const pre = net.population(pr.from);
  const post = net.population(pr.to);
  if (!post.channels.includes(pr.channel)) {
    throw new SnnError(
      'config.invalid',
      `${where}: population '${post.name}' has no input channel '${pr.channel}'`,
      post.channels.length ? `use one of: ${post.channels.join(', ')}` : `'${post.name}' is a source and takes no input`,
    );
  }
  const weightCount = syn.kind === 'dense' ? pre.size * post.size : syn.kind === 'one-to-one' ? pre.size : syn.kind === 'all-but-self' ? 1 : syn.count;
  if (syn.kind === 'all-but-self' && typeof pr.weights !== 'number') {
    throw new SnnError('config.invalid', `${where}.weights must be a single number for all-but-self connectivity`, 'use dense connectivity for per-synapse weights');
  }
  const placed = inPostMemory(pr, syn, s) ? placeInPostMemory(syn, pre, post) : null;
  const weights = placed?.weights ?? allocFloat(s.precision, weightCount);
  synapseValues(pr.weights, syn, pre, post, RngStream.derive(s.seed, `proj:${name}/weights`), `${where}.weights`, weights);
  let delaySteps: number | null = 0;
  let delays: Uint16Array | null = null;
  const d = pr.delay;
  if (typeof d === 'number') delaySteps = stepsOf(d, s.dt, `${where}.delay`);
  else if (d !== undefined) {
    if (syn.kind === 'all-but-self') throw new SnnError('config.invalid', `${where}.delay must be a single number for all-but-self connectivity`, 'use dense connectivity for per-synapse delays');
    const ms = new Float64Array(weightCount);
    synapseValues(d, syn, pre, post, RngStream.derive(s.seed, `proj:${name}/delays`), `${where}.delay`, ms);
    delays = new Uint16Array(weightCount);
    const random = !Array.isArray(d);
    for (let k = 0; k < weightCount; k++) {
      // Random delays are rounded to the grid (Brian2 does the same); explicit ones must lie on it.
      delays[k] = random ? Math.round(ms[k]! / s.dt) : stepsOf(ms[k]!, s.dt, `${where}.delay`);
    }
    delaySteps = null;
  }
  switch (syn.kind) {
    case 'dense':
      return new DenseProjection(name, pre, post, pr.channel, weights, delaySteps, delays);
    case 'one-to-one':
      return new OneToOneProjection(name, pre, post, pr.channel, weights, delaySteps, delays);
    case 'all-but-self':
      return new AllButSelfProjection(name, pre, post, pr.channel, weights, delaySteps ?? 0);
    case 'sparse':
      if (placed !== null) return new SparseProjection(name, pre, post, pr.channel, placed.rowPtr, placed.cols, weights, delaySteps, delays, placed.idScratch);
      return new SparseProjection(name, pre, post, pr.channel, syn.rowPtr!, syn.cols!, weights, delaySteps, delays);
  }
}

/** rowPtr and cols copied into the post population's wasm memory, with room there for the weights (and pre's spike ids). */
function placeInPostMemory(
  syn: Synapses,
  pre: Population,
  post: Population,
): { rowPtr: Int32Array; cols: Int32Array; weights: Float64Array; idScratch: Int32Array | null } | null {
  const w = post.wasmKernels ?? null;
  if (w === null) return null;
  const pr = w.allocExtra(4 * (pre.size + 1));
  const pc = w.allocExtra(4 * syn.count);
  const pw = w.allocExtra(8 * syn.count);
  const ps = pre === post ? null : w.allocExtra(4 * pre.size);
  if (pr === null || pc === null || pw === null || (pre !== post && ps === null)) return null;
  const buf = w.memory.buffer;
  const rowPtr = new Int32Array(buf, pr, pre.size + 1);
  rowPtr.set(syn.rowPtr!);
  const cols = new Int32Array(buf, pc, syn.count);
  cols.set(syn.cols!);
  return { rowPtr, cols, weights: new Float64Array(buf, pw, syn.count), idScratch: ps === null ? null : new Int32Array(buf, ps, pre.size) };
}
