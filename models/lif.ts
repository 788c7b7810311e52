/**
 * Leaky integrate-and-fire neuron: parameters, their validation, and the per-step propagators.
 *
 * Equations (units: ms, mV; `iBias` is the constant drive R·I in mV):
 *
 *   delta:        τm dv/dt = (vRest + iBias − v)                 input: v += w
 *   current:      τm dv/dt = (vRest + iBias − v + ge + gi)       τe dge/dt = −ge, τi dgi/dt = −gi (currents, mV); input: g += w
 *   conductance:  τm dv/dt = (vRest + iBias − v) + ge(eExc − v) + gi(eInh − v)
 *                 τe dge/dt = −ge, τi dgi/dt = −gi;                input: g += w
 *   threshold:    v > vThresh + θ − thetaOffset (not refractory) → spike, v = vReset, θ jumps
 *   θ:            τθ dθ/dt = −θ; jump θ₊ ('additive') or θ₊·10/|θ − 10| ('hao2020', self-limiting)
 *
 * Integration (`method`):
 *   'exact' — delta/current: the exact linear propagator over one step, written in the same form
 *             Brian2's `exact` integrator generates (so float64 runs agree spike for spike);
 *             conductance: exponential Euler (exact with the conductances held over the step).
 *   'euler' — forward Euler from the values at the start of the step. Conductances always decay
 *             exactly (GeNN's EXPDECAY, as the Hao et al. 2020 and Diehl & Cook networks use).
 *
 * | parameter    | default | unit | meaning                                         |
 * |--------------|---------|------|-------------------------------------------------|
 * | tauM         | 20      | ms   | membrane time constant                          |
 * | vRest        | −65     | mV   | resting potential                               |
 * | vReset       | −65     | mV   | reset potential                                 |
 * | vThresh      | −50     | mV   | threshold (plus θ − thetaOffset)                |
 * | refractory   | 0       | ms   | v frozen after a spike (steps: ⌊(t + 1e-3·dt)/dt⌋) |
 * | synapse      | delta   |      | delta · current · conductance                   |
 * | tauExc/Inh   | 5 / 10  | ms   | synaptic time constants                         |
 * | eExc / eInh  | 0 / −100| mV   | reversal potentials (conductance)               |
 * | iBias        | 0       | mV   | constant drive R·I                              |
 * | thetaPlus    | 0       | mV   | threshold jump per spike                        |
 * | tauTheta     | null    | ms   | θ decay (null: no decay)                        |
 * | thetaInit    | 0       | mV   | initial θ                                       |
 * | thetaOffset  | 0       | mV   | subtracted from θ in the threshold              |
 * | thetaJump    | additive|      | additive · hao2020                              |
 * | vMin         | null    | mV   | lower clamp of v after the update (Hao: −100)   |
 */
import { SnnError } from '../engine/errors.js';

export type SynapseKind = 'delta' | 'current' | 'conductance';
export type IntegrationMethod = 'exact' | 'euler';
export type ThetaJump = 'additive' | 'hao2020';

export interface LifParams {
  readonly tauM: number;
  readonly vRest: number;
  readonly vReset: number;
  readonly vThresh: number;
  readonly refractory: number;
  readonly synapse: SynapseKind;
  readonly method: IntegrationMethod;
  readonly tauExc: number;
  readonly tauInh: number;
  readonly eExc: number;
  readonly eInh: number;
  readonly iBias: number;
  readonly thetaPlus: number;
  readonly tauTheta: number | null;
  readonly thetaInit: number;
  readonly thetaOffset: number;
  readonly thetaJump: ThetaJump;
  readonly vMin: number | null;
}

export const LIF_DEFAULTS: LifParams = {
  tauM: 20,
  vRest: -65,
  vReset: -65,
  vThresh: -50,
  refractory: 0,
  synapse: 'delta',
  method: 'exact',
  tauExc: 5,
  tauInh: 10,
  eExc: 0,
  eInh: -100,
  iBias: 0,
  thetaPlus: 0,
  tauTheta: null,
  thetaInit: 0,
  thetaOffset: 0,
  thetaJump: 'additive',
  vMin: null,
};

/** Input channels a LIF population accepts, by synapse kind. */
export function lifChannels(synapse: SynapseKind): readonly string[] {
  return synapse === 'delta' ? ['v'] : ['exc', 'inh'];
}

/** Checks parameter values (NEST's rules) before anything is allocated; `where` names the object. */
export function validateLif(p: LifParams, where: string): void {
  const bad = (field: string, rule: string, hint: string): never => {
    throw new SnnError('config.invalid', `${where}.${field} ${rule}`, hint);
  };
  for (const [k, v] of Object.entries(p)) {
    if (typeof v === 'number' && !Number.isFinite(v)) bad(k, `must be a finite number, got ${v}`, 'give a finite value');
  }
  if (p.tauM <= 0) bad('tauM', `must be > 0 ms, got ${p.tauM}`, 'membrane time constants are positive');
  if (p.synapse !== 'delta') {
    if (p.tauExc <= 0) bad('tauExc', `must be > 0 ms, got ${p.tauExc}`, 'synaptic time constants are positive');
    if (p.tauInh <= 0) bad('tauInh', `must be > 0 ms, got ${p.tauInh}`, 'synaptic time constants are positive');
  }
  if (p.refractory < 0) bad('refractory', `must be ≥ 0 ms, got ${p.refractory}`, 'use 0 for no refractory period');
  if (p.tauTheta !== null && p.tauTheta <= 0) bad('tauTheta', `must be > 0 ms or null, got ${p.tauTheta}`, 'use null for a threshold that does not decay');
  if (p.vReset >= p.vThresh + p.thetaInit - p.thetaOffset) {
    // A reset at or above threshold fires every non-refractory step; almost always a sign mix-up.
    bad('vReset', `(${p.vReset} mV) must be below the initial threshold (${p.vThresh + p.thetaInit - p.thetaOffset} mV)`, 'check the signs of vReset and vThresh');
  }
  if (p.thetaJump === 'hao2020' && Math.abs(p.thetaInit - 10) < 1e-9) {
    bad('thetaInit', 'must not be 10 mV with thetaJump "hao2020" (the jump θ₊·10/|θ−10| is infinite there)', 'start θ at 20 mV as Hao et al. do');
  }
}

/** Coefficients derived once per (params, dt): the step kernels only multiply and add. */
export interface LifPropagators {
  readonly dt: number;
  readonly refractorySteps: number;
  /** e^{−dt/τm}, e^{−dt/τe}, e^{−dt/τi}, e^{−dt/τθ} (1 when θ does not decay). */
  readonly eM: number;
  readonly eE: number;
  readonly eI: number;
  readonly eTheta: number;
  /** vInf − vInf·e^{−dt/τm} with vInf = vRest + iBias (the constant part of the exact propagator). */
  readonly vConst: number;
  /** Exact propagator weights of the synaptic currents into v. */
  readonly kE: number;
  readonly kI: number;
  /** θ evolves at all (decay or jump). */
  readonly adaptive: boolean;
}

/**
 * Weight of a current I (decaying with τs) in v after one step of the exact propagator:
 * I·τs·(e^{dt/τs} − e^{dt/τm})·e^{−dt/τm}·e^{−dt/τs}/(τm − τs), Brian2's generated form;
 * the limit I·(dt/τm)·e^{−dt/τm} when τs = τm.
 */
function currentWeight(dt: number, tauM: number, tauS: number): number {
  if (Math.abs(tauM - tauS) < 1e-12 * tauM) return (dt / tauM) * Math.exp(-dt / tauM);
  return (
    (tauS * (-Math.exp(dt / tauM) + Math.exp(dt / tauS)) * Math.exp(-dt / tauM) * Math.exp(-dt / tauS)) /
    (tauM - tauS)
  );
}

export function prepareLif(p: LifParams, dt: number): LifPropagators {
  const eM = Math.exp(-dt / p.tauM);
  const vInf = p.vRest + p.iBias;
  return {
    dt,
    refractorySteps: Math.floor((p.refractory + 1e-3 * dt) / dt),
    eM,
    eE: Math.exp(-dt / p.tauExc),
    eI: Math.exp(-dt / p.tauInh),
    eTheta: p.tauTheta === null ? 1 : Math.exp(-dt / p.tauTheta),
    vConst: vInf - vInf * eM,
    kE: currentWeight(dt, p.tauM, p.tauExc),
    kI: currentWeight(dt, p.tauM, p.tauInh),
    adaptive: p.thetaPlus !== 0 || p.thetaInit !== 0,
  };
}
