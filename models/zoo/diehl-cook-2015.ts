/**
 * The unsupervised STDP network of Diehl & Cook (2015, Front. Comput. Neurosci. 9:99) with the
 * parameters of the authors' released script (docs/diehl-cook-2015.md):
 *
 *   784 input (Poisson) ──input→exc dense, plastic, delays U[0, 10] ms──▶ N exc
 *        exc ──E→I one-to-one 10.4──▶ N inh;   exc ◀──I→E all-but-self 17── inh
 *
 * Exc:  τm dv/dt = (−65 − v) + ge(0 − v) + gi(−100 − v), τm 100 ms, τe 1 ms, τi 2 ms;
 *       spike when v > θ − 20 + (−52) mV (θ starts at 20 mV); reset −65 mV; refractory 5 ms;
 *       θ += 0.05 mV per spike, τθ = 10⁷ ms (θ is float64: its decay vanishes in float32);
 *       initial v = −105 mV.
 * Inh:  τm 10 ms, rest −60, reset −45, threshold −40 mV, refractory 2 ms, E_inh −85 mV,
 *       initial v = −100 mV.
 * Input→exc: w = 0.3·(U[0,1) + 0.01), one axonal delay per synapse U[0, 10] ms rounded to the
 * dt = 0.5 ms grid (0..20 steps). E→I and I→E arrive in the step they are emitted.
 *
 * Integration: Euler for v (Brian 1 chooses Euler for these equations), conductances decay exactly;
 * the exc v is clamped at −100 mV (`vMinExc`, as in Hao et al.'s code), because forward Euler is
 * unstable under strong synchronous inhibition (see the field's note).
 *
 * Known simplification: the script's refractory test uses a `timer` that grows at 0.1 ms per ms
 * (`dtimer/dt = 100.0 : ms`), so an exc neuron cannot fire again for 50 ms after a spike although
 * v is clamped for only 5 ms; we keep the documented 5 ms (`refractoryExc`), the value of the spec.
 *
 * The learning rules (pair STDP, synaptic scaling to 78, θ adaptation) are attached by the training
 * system (training/systems/diehl-cook-2015.ts); this file only builds the graph.
 */
import { SnnError } from '../../engine/errors.js';
import type { FloatArray, Precision } from '../../engine/float-array.js';
import { allocFloat } from '../../engine/float-array.js';
import { RngStream } from '../../engine/rng.js';
import { LIF_DEFAULTS, validateLif, type LifParams } from '../lif.js';
import { LifPopulation, type LifPopulationOptions } from '../lif-population.js';
import { Network } from '../network.js';
import { AllButSelfProjection, DenseProjection, OneToOneProjection } from '../projection.js';
import { ReplaySource } from '../replay-source.js';

export type DiehlCookDataset = 'mnist' | 'fashion-mnist';

export interface DiehlCook2015Config {
  dataset: DiehlCookDataset;
  neurons: number;
  dt: number;
  precision: Precision;
  /** Exc θ dynamics. */
  thetaPlus: number;
  tauTheta: number;
  thetaInit: number;
  refractoryExc: number;
  /**
   * Lower clamp of the exc v after each step (mV), null = none. Not in D&C's script (Hao et al.'s
   * code has it): forward Euler at dt 0.5 ms with τm 100 ms is unstable once g_i > 398 (24 or more
   * inhibitory spikes within ~2 ms, I→E weight 17), and an unclamped run (N = 400, seed 1) then
   * oscillated to v ≫ 0 and every exc neuron fired at the refractory limit from sample 1209 on.
   */
  vMinExc: number | null;
  /** Pair STDP (learning/pair-stdp.ts). */
  nuPre: number;
  nuPost: number;
  tauPre: number;
  tauPost1: number;
  tauPost2: number;
  wMax: number;
  /** Input weights of every exc neuron are rescaled to sum to this before each presentation. */
  scaleInput: number;
  /** Fixed weights. */
  weightExcInh: number;
  weightInhExc: number;
  /** Input→exc initial weights 0.3·(U + 0.01), delays U[0, maxDelayMs]. */
  initWeightScale: number;
  maxDelayMs: number;
  /** Presentation protocol. */
  presentMs: number;
  restMs: number;
  intensityStart: number;
  /**
   * D&C have no cap; ours is 128 (a 255 pixel at 4080 Hz spikes in 87 % of the 0.5 ms steps, so
   * higher intensities cannot change the drive, and a silent network would otherwise loop forever).
   */
  intensityMax: number;
  minSpikes: number;
  rescaleMeanTo: number | null;
  rest: 'simulate' | 'reset';
}

export function diehlCook2015Config(dataset: DiehlCookDataset, neurons: number, overrides: Partial<DiehlCook2015Config> = {}): DiehlCook2015Config {
  if (!Number.isInteger(neurons) || neurons < 2) {
    throw new SnnError('config.invalid', `diehl-cook-2015 needs a whole number ≥ 2 of excitatory neurons, got ${neurons}`, 'use e.g. --neurons 100, 400, 1600 or 6400');
  }
  return {
    dataset,
    neurons,
    dt: 0.5,
    precision: 'f64',
    thetaPlus: 0.05,
    tauTheta: 1e7,
    thetaInit: 20,
    refractoryExc: 5,
    vMinExc: -100,
    nuPre: 1e-4,
    nuPost: 1e-2,
    tauPre: 20,
    tauPost1: 20,
    tauPost2: 40,
    wMax: 1,
    scaleInput: 78,
    weightExcInh: 10.4,
    weightInhExc: 17,
    initWeightScale: 0.3,
    maxDelayMs: 10,
    presentMs: 350,
    restMs: 150,
    intensityStart: 2,
    intensityMax: 128,
    minSpikes: 5,
    rescaleMeanTo: dataset === 'fashion-mnist' ? 30 : null,
    rest: 'simulate',
    ...overrides,
  };
}

export interface DiehlCook2015Network {
  config: DiehlCook2015Config;
  net: Network;
  input: ReplaySource;
  exc: LifPopulation;
  inh: LifPopulation;
  p2e: DenseProjection;
}

export function dcExcParams(c: DiehlCook2015Config): LifParams {
  return {
    ...LIF_DEFAULTS,
    tauM: 100,
    vRest: -65,
    vReset: -65,
    vThresh: -52,
    refractory: c.refractoryExc,
    synapse: 'conductance',
    method: 'euler',
    tauExc: 1,
    tauInh: 2,
    eExc: 0,
    eInh: -100,
    thetaPlus: c.thetaPlus,
    tauTheta: c.tauTheta,
    thetaInit: c.thetaInit,
    thetaOffset: 20,
    thetaJump: 'additive',
    vMin: c.vMinExc,
  };
}

export function dcInhParams(): LifParams {
  return { ...LIF_DEFAULTS, tauM: 10, vRest: -60, vReset: -45, vThresh: -40, refractory: 2, synapse: 'conductance', method: 'euler', tauExc: 1, tauInh: 2, eExc: 0, eInh: -85 };
}

export interface DiehlCook2015BuildOptions {
  /**
   * Storage for the input→exc weights (784·N values, zeroed), e.g. a view of the WebAssembly
   * memory a learning kernel works in; default a new typed array of the configured precision.
   */
  inputWeights?: (length: number, exc: LifPopulation) => Float64Array | Float32Array | null;
  /** Storage for the exc population's 'exc' input ring (zeroed), or null for the default. */
  excInputRing?: (length: number) => Float64Array | null;
  /** Bytes the exc population reserves in its WebAssembly memory (wasm backend) for learning kernels. */
  excWasmExtraBytes?: number;
}

/** The exc population, with its excitatory input ring optionally placed by the builder's caller. */
class DcExcPopulation extends LifPopulation {
  constructor(
    name: string,
    size: number,
    params: LifParams,
    dt: number,
    precision: Precision,
    initialV: number,
    private readonly excRing: ((length: number) => Float64Array | null) | undefined,
    options: LifPopulationOptions,
  ) {
    super(name, size, params, dt, precision, initialV, options);
  }

  override ringStorage(channel: string, length: number): FloatArray | null {
    const r = channel === 'exc' && this.excRing && this.params.synapse === 'conductance' ? this.excRing(length) : null;
    return r ?? super.ringStorage(channel, length);
  }
}

/** Delays of input→exc in steps (U[0, maxDelayMs] rounded to the dt grid). */
export function dcMaxDelaySteps(c: DiehlCook2015Config): number {
  return Math.round(c.maxDelayMs / c.dt);
}

export function buildDiehlCook2015(config: DiehlCook2015Config, seed: number, opts: DiehlCook2015BuildOptions = {}): DiehlCook2015Network {
  const c = config;
  const n = c.neurons;
  const ep = dcExcParams(c);
  validateLif(ep, 'diehl-cook-2015 exc');
  const dSteps = dcMaxDelaySteps(c);
  if (!(c.maxDelayMs >= 0) || dSteps > 0xffff) {
    throw new SnnError('config.invalid', `diehl-cook-2015 maxDelayMs must be in [0, ${0xffff * c.dt}] ms, got ${c.maxDelayMs}`, 'use the authors’ 10 ms');
  }
  const net = new Network(c.dt, c.precision);
  const input = net.addPopulation(new ReplaySource('input', 784));
  const exc = net.addPopulation(new DcExcPopulation('exc', n, ep, c.dt, c.precision, -105, c.precision === 'f64' ? opts.excInputRing : undefined, { kernels: net.kernels, wasmExtraBytes: opts.excWasmExtraBytes ?? 0 }));
  const inh = net.addPopulation(new LifPopulation('inh', n, dcInhParams(), c.dt, c.precision, -100, { kernels: net.kernels }));
  const w = opts.inputWeights?.(784 * n, exc) ?? allocFloat(c.precision, 784 * n);
  const rw = RngStream.derive(seed, 'proj:input->exc/weights');
  for (let k = 0; k < w.length; k++) w[k] = c.initWeightScale * (rw.uniform() + 0.01);
  const delays = new Uint16Array(784 * n);
  const rd = RngStream.derive(seed, 'proj:input->exc/delays');
  for (let k = 0; k < delays.length; k++) delays[k] = Math.round((rd.uniform() * c.maxDelayMs) / c.dt);
  const p2e = net.addProjection(new DenseProjection('input->exc', input, exc, 'exc', w, dSteps === 0 ? 0 : null, dSteps === 0 ? null : delays));
  net.addProjection(new OneToOneProjection('exc->inh', exc, inh, 'exc', allocFloat(c.precision, n).fill(c.weightExcInh), 0, null));
  net.addProjection(new AllButSelfProjection('inh->exc', inh, exc, 'inh', allocFloat(c.precision, 1).fill(c.weightInhExc), 0));
  net.finalize();
  return { config: c, net, input, exc, inh, p2e };
}
