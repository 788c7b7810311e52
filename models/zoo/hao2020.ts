/**
 * The supervised sym-STDP network of Hao, Huang, Dong & Xu (Neural Networks 121, 2020), as in the
 * authors' GeNN code (docs/hao2020.md):
 *
 *   784 input (Poisson) ──P2E dense, plastic──▶ N exc ──E2I one-to-one 10.4──▶ N inh
 *        exc ◀──I2E all-but-self 17── inh;      exc ──E2C dense, plastic──▶ 10 SL (teacher in training)
 *
 * Conductance-based LIF (forward Euler, conductances decay exactly), dt = 0.5 ms. The per-size
 * settings (θ₊, τθ, η, scaling targets, thresholds) are the table of §8; `hao2020Config` fills them
 * in and every field can be overridden. The learning rules are attached by the training system
 * (training/systems/hao2020.ts); this file only builds the graph.
 */
import { SnnError } from '../../engine/errors.js';
import type { Precision } from '../../engine/float-array.js';
import { allocFloat } from '../../engine/float-array.js';
import { RngStream } from '../../engine/rng.js';
import { LIF_DEFAULTS, validateLif, type LifParams } from '../lif.js';
import { LifPopulation } from '../lif-population.js';
import { Network } from '../network.js';
import { AllButSelfProjection, DenseProjection, OneToOneProjection } from '../projection.js';
import { ReplaySource } from '../replay-source.js';
import { TeacherLifPopulation } from '../teacher-lif-population.js';

export type Hao2020Dataset = 'mnist' | 'fashion-mnist';
export type Hao2020Schedule = 'simultaneous' | 'layerwise';

export interface Hao2020Config {
  dataset: Hao2020Dataset;
  neurons: number;
  dt: number;
  precision: Precision;
  /** Exc θ dynamics. */
  thetaPlus: number;
  tauTheta: number;
  vThreshExc: number;
  /** sym-STDP. */
  etaInput: number;
  etaOutput: number;
  wMaxInput: number;
  wMaxOutput: number;
  traceTau: number;
  traceIncrement: number;
  /**
   * Input→exc axonal delays, one per synapse, U[0, inputDelayMs] ms on the dt grid. The authors'
   * code has none (0, the default); Diehl & Cook's 10 ms desynchronise neurons with similar weights.
   */
  inputDelayMs: number;
  /** Synaptic scaling targets. */
  scaleInput: number;
  scaleOutput: number;
  /** Fixed weights. */
  weightExcInh: number;
  weightInhExc: number;
  /** Teacher rate on the label's SL neuron while training (Hz). */
  teacherRate: number;
  /** Presentation protocol. */
  presentMs: number;
  restMs: number;
  intensityStart: number;
  intensityMax: number;
  minSpikes: number;
  /** Fashion-MNIST preprocessing: rescale every image to this mean intensity; null = none. */
  rescaleMeanTo: number | null;
  schedule: Hao2020Schedule;
  /** 'simulate' the rest period (as the authors) or 'reset' the state instead (faster). */
  rest: 'simulate' | 'reset';
}

/** §8: per-size settings, MNIST unless noted. */
const SIZE_TABLE: Record<string, Partial<Hao2020Config>> = {
  'mnist:100': { tauTheta: 6e6, thetaPlus: 0.07, etaInput: 0.005, etaOutput: 0.04 },
  'mnist:400': { tauTheta: 6e6, thetaPlus: 0.07, etaInput: 0.005, etaOutput: 0.04 },
  'mnist:1600': { tauTheta: 8e6, thetaPlus: 0.07, etaInput: 0.02, etaOutput: 0.08 },
  'mnist:6400': { tauTheta: 2e7, thetaPlus: 0.05, etaInput: 0.01, etaOutput: 0.04 },
  'mnist:10000': { tauTheta: 2e7, thetaPlus: 0.05, etaInput: 0.0075, etaOutput: 0.04 },
  'fashion-mnist:400': { tauTheta: 5e7, thetaPlus: 0.05, etaInput: 0.02, etaOutput: 0.32, scaleInput: 19.6, vThreshExc: -60, wMaxOutput: 40 },
  'fashion-mnist:6400': { tauTheta: 2e7, thetaPlus: 0.05, etaInput: 0.0005, etaOutput: 0.08, scaleInput: 19.6 },
};

export const HAO2020_SIZES = Object.keys(SIZE_TABLE);

/** The nearest tabulated size of the dataset (settings for untabulated sizes are taken from it). */
function nearestSize(dataset: Hao2020Dataset, n: number): string {
  const sizes = HAO2020_SIZES.filter((k) => k.startsWith(`${dataset}:`)).map((k) => Number(k.split(':')[1]));
  const best = sizes.reduce((a, b) => (Math.abs(Math.log(b / n)) < Math.abs(Math.log(a / n)) ? b : a));
  return `${dataset}:${best}`;
}

export function hao2020Config(dataset: Hao2020Dataset, neurons: number, overrides: Partial<Hao2020Config> = {}): Hao2020Config {
  if (!Number.isInteger(neurons) || neurons < 2) {
    throw new SnnError('config.invalid', `hao2020 needs a whole number ≥ 2 of hidden neurons, got ${neurons}`, 'use e.g. --neurons 100, 400, 1600 or 6400');
  }
  const sized = SIZE_TABLE[`${dataset}:${neurons}`] ?? SIZE_TABLE[nearestSize(dataset, neurons)]!;
  const cfg: Hao2020Config = {
    dataset,
    neurons,
    dt: 0.5,
    precision: 'f64',
    thetaPlus: 0.07,
    tauTheta: 6e6,
    vThreshExc: -52,
    etaInput: 0.005,
    etaOutput: 0.04,
    wMaxInput: 1,
    wMaxOutput: 8,
    traceTau: 20,
    traceIncrement: 0.1,
    inputDelayMs: 0,
    scaleInput: 78.4,
    // S_SL = 0.1 · N · 8 (MNIST, Fashion-6400); 800 for Fashion-400 (λ = 0.05, wMax 40).
    scaleOutput: dataset === 'fashion-mnist' && neurons === 400 ? 800 : 0.8 * neurons,
    weightExcInh: 10.4,
    weightInhExc: 17,
    teacherRate: 200,
    presentMs: 350,
    restMs: 150,
    intensityStart: 2,
    intensityMax: 32,
    minSpikes: 5,
    rescaleMeanTo: dataset === 'fashion-mnist' ? 30 : null,
    schedule: 'simultaneous',
    rest: 'simulate',
    ...sized,
    ...overrides,
  };
  return cfg;
}

export interface Hao2020Network {
  config: Hao2020Config;
  net: Network;
  input: ReplaySource;
  exc: LifPopulation;
  inh: LifPopulation;
  sl: TeacherLifPopulation;
  p2e: DenseProjection;
  e2c: DenseProjection;
}

export function excParams(c: Hao2020Config): LifParams {
  return {
    ...LIF_DEFAULTS,
    tauM: 100,
    vRest: -65,
    vReset: -65,
    vThresh: c.vThreshExc,
    refractory: 2,
    synapse: 'conductance',
    method: 'euler',
    tauExc: 1,
    tauInh: 2,
    eExc: 0,
    eInh: -100,
    thetaPlus: c.thetaPlus,
    tauTheta: c.tauTheta,
    thetaInit: 20,
    thetaOffset: 20,
    thetaJump: 'hao2020',
    vMin: -100,
  };
}

export function inhParams(): LifParams {
  return { ...LIF_DEFAULTS, tauM: 10, vRest: -60, vReset: -45, vThresh: -40, refractory: 2, synapse: 'conductance', method: 'euler', tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 };
}

export function slParams(): LifParams {
  return { ...LIF_DEFAULTS, tauM: 10, vRest: -60, vReset: -45, vThresh: -40, refractory: 0, synapse: 'conductance', method: 'euler', tauExc: 1, tauInh: 2, eExc: 0, eInh: -100 };
}

/** Initial plastic weights: uniform on {0, 0.001, …, 0.299}, the authors' rand()%300/1000. */
function initialWeights(w: Float32Array | Float64Array, rng: RngStream): Float32Array | Float64Array {
  for (let k = 0; k < w.length; k++) w[k] = Math.floor(rng.uniform() * 300) / 1000;
  return w;
}

/** The longest input→exc delay in steps (inputDelayMs on the dt grid; 0: no delays). */
export function hao2020MaxDelaySteps(c: Hao2020Config): number {
  return Math.round(c.inputDelayMs / c.dt);
}

/** Input→exc delays in steps, U[0, inputDelayMs] rounded to the grid; null when inputDelayMs is 0. */
function inputDelays(c: Hao2020Config, n: number, seed: number): Uint16Array | null {
  const maxSteps = hao2020MaxDelaySteps(c);
  if (!(c.inputDelayMs >= 0) || maxSteps > 0xffff) {
    throw new SnnError('config.invalid', `hao2020 inputDelayMs must be in [0, ${0xffff * c.dt}] ms, got ${c.inputDelayMs}`, 'use 0 (the authors) or 10 (Diehl & Cook)');
  }
  if (maxSteps === 0) return null;
  const delays = new Uint16Array(784 * n);
  const rd = RngStream.derive(seed, 'proj:input->exc/delays');
  for (let k = 0; k < delays.length; k++) delays[k] = Math.round((rd.uniform() * c.inputDelayMs) / c.dt);
  return delays;
}

export interface Hao2020BuildOptions {
  /** Bytes reserved in the exc population's WebAssembly memory (wasm backend) for learning kernels. */
  excWasmExtraBytes?: number;
  /**
   * Storage for the input→exc weights (784·N values, zeroed), e.g. a view of the exc population's
   * WebAssembly memory that a learning kernel works in; null or absent: a new typed array.
   */
  inputWeights?: (exc: LifPopulation, length: number) => Float64Array | Float32Array | null;
}

export function buildHao2020(config: Hao2020Config, seed: number, opts: Hao2020BuildOptions = {}): Hao2020Network {
  const c = config;
  const n = c.neurons;
  const ep = excParams(c);
  validateLif(ep, 'hao2020 exc');
  const net = new Network(c.dt, c.precision);
  const input = net.addPopulation(new ReplaySource('input', 784));
  const exc = net.addPopulation(new LifPopulation('exc', n, ep, c.dt, c.precision, -105, { kernels: net.kernels, wasmExtraBytes: opts.excWasmExtraBytes ?? 0 }));
  const inh = net.addPopulation(new LifPopulation('inh', n, inhParams(), c.dt, c.precision, -100, { kernels: net.kernels }));
  const sl = net.addPopulation(new TeacherLifPopulation('sl', 10, slParams(), c.dt, c.precision, -100, { kernels: net.kernels }));
  const w = opts.inputWeights?.(exc, 784 * n) ?? allocFloat(c.precision, 784 * n);
  const delays = inputDelays(c, n, seed);
  const p2e = net.addProjection(new DenseProjection('input->exc', input, exc, 'exc', initialWeights(w, RngStream.derive(seed, 'proj:input->exc/weights')), delays ? null : 0, delays));
  net.addProjection(new OneToOneProjection('exc->inh', exc, inh, 'exc', allocFloat(c.precision, n).fill(c.weightExcInh), 0, null));
  net.addProjection(new AllButSelfProjection('inh->exc', inh, exc, 'inh', allocFloat(c.precision, 1).fill(c.weightInhExc), 0));
  const e2c = net.addProjection(new DenseProjection('exc->sl', exc, sl, 'exc', initialWeights(allocFloat(c.precision, n * 10), RngStream.derive(seed, 'proj:exc->sl/weights')), 0, null));
  net.finalize();
  return { config: c, net, input, exc, inh, sl, p2e, e2c };
}
