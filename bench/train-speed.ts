/**
 * `snn bench train`: the training speed of a trainable model, sample by sample, on the first K
 * MNIST training images (the same images bench/peers/brian2_diehl_cook.py shows Brian2).
 *
 * Each sample is one timed `Presenter.present` with plasticity on: synaptic scaling, the
 * 350 ms presentation, the 150 ms rest (simulated), the learning rules. By default every sample
 * is shown once at the start intensity, as the Brian2 peer does by default; `represent: true`
 * applies the re-presentation rule (then a sample may take several presentations).
 *
 * Figures: ms per sample (median, min, max over the K samples), synaptic events per second
 * (spikes × fan-out delivered during the timed samples / their total time), spikes per sample
 * (excitatory, as Brian2's `excSpikesPerSample`; input and inhibitory separately).
 */
import { imageOf, loadDataset, subset } from '../datasets/dataset.js';
import { describeBackend } from '../engine/backend.js';
import { SnnError } from '../engine/errors.js';
import type { Precision } from '../engine/float-array.js';
import { diehlCook2015Config } from '../models/zoo/diehl-cook-2015.js';
import { hao2020Config } from '../models/zoo/hao2020.js';
import type { DenseProjection } from '../models/projection.js';
import { buildTrainingSystem, type RecipeSystem } from '../training/recipe-system.js';
import { Presenter } from '../training/presenter.js';
import type { TrainingSystem } from '../training/training-system.js';

export const TRAIN_SPEED_MODELS = ['diehl-cook-2015', 'hao2020'] as const;

export interface TrainSpeedOptions {
  model: string;
  neurons: number;
  samples: number;
  seed: number;
  /** Index of the first training image (default 0). */
  firstSample?: number;
  /** Untimed samples before the timed ones (JIT warm-up; default 0). */
  warmup?: number;
  represent?: boolean;
  precision?: Precision;
  dataDir?: string;
}

export interface TrainSpeedResult {
  model: string;
  neurons: number;
  samples: number;
  firstSample: number;
  warmup: number;
  represent: boolean;
  msPerSampleMedian: number;
  msPerSampleMin: number;
  msPerSampleMax: number;
  msPerSampleMean: number;
  /** Process CPU time per sample (all threads; comparable to Brian2 standalone's std::clock loop time on a shared machine). */
  cpuMsPerSampleMedian: number;
  cpuMsPerSampleMin: number;
  cpuMsPerSampleMax: number;
  cpuMsPerSampleMean: number;
  synapticEventsPerSecond: number;
  /** The same per second of process CPU time (robust on a shared machine). */
  synapticEventsPerCpuSecond: number;
  spikesPerSample: number;
  inputSpikesPerSample: number;
  inhSpikesPerSample: number;
  presentationsPerSample: number;
  simulatedMsPerSample: number;
  buildSeconds: number;
  loopSeconds: number;
  backend: string;
  precision: Precision;
  seed: number;
}

function buildSystem(model: string, neurons: number, seed: number, precision: Precision): RecipeSystem {
  checkModel(model);
  if (model === 'diehl-cook-2015') return buildTrainingSystem(model, diehlCook2015Config('mnist', neurons, { precision }), seed);
  return buildTrainingSystem(model, hao2020Config('mnist', neurons, { precision }), seed);
}

function checkModel(model: string): void {
  if (!(TRAIN_SPEED_MODELS as readonly string[]).includes(model)) {
    throw new SnnError('usage', `unknown model '${model}' for bench train`, `known models: ${TRAIN_SPEED_MODELS.join(', ')}`);
  }
}

function median(sorted: Float64Array): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function runTrainSpeed(o: TrainSpeedOptions): TrainSpeedResult {
  checkModel(o.model);
  const first = o.firstSample ?? 0;
  const warmup = o.warmup ?? 0;
  const precision = o.precision ?? 'f64';
  const represent = o.represent ?? false;
  const all = loadDataset('mnist', 'train', { dataDir: o.dataDir });
  const data = subset(all, warmup + o.samples, first);
  const t0 = performance.now();
  const base = buildSystem(o.model, o.neurons, o.seed, precision);
  // Without re-presentation: the same system with minSpikes 0 (one presentation per sample).
  const system: TrainingSystem = represent ? base : Object.create(base, { protocol: { value: { ...base.protocol, minSpikes: 0 } } });
  const p = system.protocol;
  const presenter = new Presenter(system, o.seed);
  const stage = system.stages[0]!;
  const buildSeconds = (performance.now() - t0) / 1000;
  const net = system.net;
  const k = { input: net.populations.indexOf(system.input), hidden: net.populations.indexOf(system.hidden), inh: net.populations.findIndex((q) => q.name === 'inh') };
  const times = new Float64Array(o.samples);
  const cpu = new Float64Array(o.samples);
  let presentations = 0;
  let events0 = 0;
  const counts0 = new Float64Array(net.populations.length);
  let step0 = 0;
  for (let s = 0; s < warmup + o.samples; s++) {
    if (s === warmup) {
      events0 = net.synapticEvents;
      counts0.set(net.spikeCounts);
      step0 = net.step;
    }
    const c0 = process.cpuUsage();
    const a = performance.now();
    system.setMode(stage);
    const r = presenter.present(imageOf(data, s), data.labels[s]!, first + s, stage, 'bench/train');
    const ms = performance.now() - a;
    const c1 = process.cpuUsage(c0);
    if (s >= warmup) {
      times[s - warmup] = ms;
      cpu[s - warmup] = (c1.user + c1.system) / 1000;
      presentations += r.presentations;
    }
  }
  const loopMs = times.reduce((x, y) => x + y, 0);
  const sorted = times.slice().sort();
  const cpuSorted = cpu.slice().sort();
  const per = (idx: number) => (idx < 0 ? 0 : (net.spikeCounts[idx]! - counts0[idx]!) / o.samples);
  return {
    model: o.model,
    neurons: o.neurons,
    samples: o.samples,
    firstSample: first,
    warmup,
    represent,
    msPerSampleMedian: median(sorted),
    msPerSampleMin: sorted[0]!,
    msPerSampleMax: sorted[sorted.length - 1]!,
    msPerSampleMean: loopMs / o.samples,
    cpuMsPerSampleMedian: median(cpuSorted),
    cpuMsPerSampleMin: cpuSorted[0]!,
    cpuMsPerSampleMax: cpuSorted[cpuSorted.length - 1]!,
    cpuMsPerSampleMean: cpu.reduce((x, y) => x + y, 0) / o.samples,
    synapticEventsPerSecond: (net.synapticEvents - events0) / (loopMs / 1000),
    synapticEventsPerCpuSecond: (net.synapticEvents - events0) / (cpu.reduce((x, y) => x + y, 0) / 1000),
    spikesPerSample: per(k.hidden),
    inputSpikesPerSample: per(k.input),
    inhSpikesPerSample: per(k.inh),
    presentationsPerSample: presentations / o.samples,
    simulatedMsPerSample: ((net.step - step0) * p.dt) / o.samples,
    buildSeconds,
    loopSeconds: loopMs / 1000,
    backend: `${describeBackend(precision)}; ${base.model === 'diehl-cook-2015' ? `pair-STDP arrivals and input scaling: ${(base.projection('input->exc') as DenseProjection).kernelBackend === 'wasm' ? 'WebAssembly kernels' : 'JS loops'}; ` : ''}LIF steps: ${base.hidden.wasmKernels ? 'WebAssembly SIMD kernels' : 'JS typed-array loops'}`,
    precision,
    seed: o.seed,
  };
}
