/**
 * LIF parameters: validation (each rule with its message) and the per-step propagators against
 * their closed forms, with every parameter distinct so a swapped one shows.
 */
import { describe, expect, it } from 'vitest';
import { SnnError } from '../engine/errors.js';
import { LIF_DEFAULTS, lifChannels, prepareLif, validateLif, type LifParams } from './lif.js';

const P = (over: Partial<LifParams>): LifParams => ({ ...LIF_DEFAULTS, ...over });

function refusal(p: LifParams): SnnError {
  try {
    validateLif(p, 'pop');
  } catch (e) {
    if (e instanceof SnnError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('LIF channels', () => {
  it('delta neurons take v, the others exc and inh', () => {
    expect(lifChannels('delta')).toEqual(['v']);
    expect(lifChannels('current')).toEqual(['exc', 'inh']);
    expect(lifChannels('conductance')).toEqual(['exc', 'inh']);
  });
});

describe('LIF validation', () => {
  it('accepts the defaults and edge values that are allowed', () => {
    expect(() => validateLif(LIF_DEFAULTS, 'pop')).not.toThrow();
    expect(() => validateLif(P({ refractory: 0, tauTheta: null }), 'pop')).not.toThrow();
    // delta neurons ignore their synaptic time constants
    expect(() => validateLif(P({ synapse: 'delta', tauExc: 0, tauInh: -1 }), 'pop')).not.toThrow();
    // vReset just below the initial threshold
    expect(() => validateLif(P({ vReset: -50.000001 }), 'pop')).not.toThrow();
  });

  it('refuses non-finite numbers, naming the field', () => {
    const e = refusal(P({ tauExc: Number.NaN }));
    expect(e.code).toBe('config.invalid');
    expect(e.message).toBe('pop.tauExc must be a finite number, got NaN');
    expect(e.hint).toBe('give a finite value');
    expect(refusal(P({ vThresh: Number.POSITIVE_INFINITY })).message).toBe('pop.vThresh must be a finite number, got Infinity');
  });

  it('refuses non-positive time constants', () => {
    expect(refusal(P({ tauM: 0 })).message).toBe('pop.tauM must be > 0 ms, got 0');
    expect(refusal(P({ tauM: 0 })).hint).toBe('membrane time constants are positive');
    expect(refusal(P({ synapse: 'current', tauExc: 0 })).message).toBe('pop.tauExc must be > 0 ms, got 0');
    expect(refusal(P({ synapse: 'current', tauExc: 0 })).hint).toBe('synaptic time constants are positive');
    expect(refusal(P({ synapse: 'conductance', tauInh: -2 })).message).toBe('pop.tauInh must be > 0 ms, got -2');
    expect(refusal(P({ synapse: 'current', tauInh: 0 })).hint).toBe('synaptic time constants are positive');
    expect(refusal(P({ tauTheta: 0 })).message).toBe('pop.tauTheta must be > 0 ms or null, got 0');
    expect(refusal(P({ tauTheta: -1 })).hint).toBe('use null for a threshold that does not decay');
  });

  it('refuses a negative refractory period', () => {
    const e = refusal(P({ refractory: -0.1 }));
    expect(e.message).toBe('pop.refractory must be ≥ 0 ms, got -0.1');
    expect(e.hint).toBe('use 0 for no refractory period');
  });

  it('refuses a reset at or above the initial threshold vThresh + thetaInit − thetaOffset', () => {
    const e = refusal(P({ vReset: -50 }));
    expect(e.message).toBe('pop.vReset (-50 mV) must be below the initial threshold (-50 mV)');
    expect(e.hint).toBe('check the signs of vReset and vThresh');
    // θ raises the threshold, the offset lowers it
    expect(() => validateLif(P({ vReset: -49, thetaInit: 2 }), 'pop')).not.toThrow();
    expect(refusal(P({ vReset: -51, thetaOffset: 1 })).message).toBe('pop.vReset (-51 mV) must be below the initial threshold (-51 mV)');
    expect(refusal(P({ vReset: -48, thetaInit: 3, thetaOffset: 1 })).message).toBe('pop.vReset (-48 mV) must be below the initial threshold (-48 mV)');
  });

  it("refuses θ = 10 mV with Hao et al.'s jump (infinite there), only with that jump", () => {
    const e = refusal(P({ thetaJump: 'hao2020', thetaInit: 10, vThresh: -60 }));
    expect(e.message).toBe('pop.thetaInit must not be 10 mV with thetaJump "hao2020" (the jump θ₊·10/|θ−10| is infinite there)');
    expect(e.hint).toBe('start θ at 20 mV as Hao et al. do');
    expect(() => validateLif(P({ thetaJump: 'additive', thetaInit: 10, vThresh: -60 }), 'pop')).not.toThrow();
    expect(() => validateLif(P({ thetaJump: 'hao2020', thetaInit: 10.001, vThresh: -60 }), 'pop')).not.toThrow();
  });
});

describe('LIF propagators', () => {
  const p = P({ tauM: 12, tauExc: 3, tauInh: 7, tauTheta: 50, vRest: -61, iBias: 4, refractory: 2 });
  const dt = 0.25;
  const q = prepareLif(p, dt);

  it('decay factors e^{−dt/τ} of the membrane, each synapse and θ', () => {
    expect(q.dt).toBe(dt);
    expect(q.eM).toBe(Math.exp(-dt / 12));
    expect(q.eE).toBe(Math.exp(-dt / 3));
    expect(q.eI).toBe(Math.exp(-dt / 7));
    expect(q.eTheta).toBe(Math.exp(-dt / 50));
    expect(prepareLif(P({ tauTheta: null }), dt).eTheta).toBe(1);
  });

  it('the constant part drives v towards vRest + iBias', () => {
    const vInf = -61 + 4;
    expect(q.vConst).toBeCloseTo(vInf * (1 - Math.exp(-dt / 12)), 14);
    // a fixed point: v = vInf stays there
    expect(vInf * q.eM + q.vConst).toBeCloseTo(vInf, 12);
  });

  it('current weights: τs·(e^{−dt/τm} − e^{−dt/τs})/(τm − τs) per channel, (dt/τ)·e^{−dt/τ} when τs = τm', () => {
    const k = (ts: number) => (ts * (Math.exp(-dt / 12) - Math.exp(-dt / ts))) / (12 - ts);
    expect(q.kE).toBeCloseTo(k(3), 15);
    expect(q.kI).toBeCloseTo(k(7), 15);
    const same = prepareLif(P({ tauM: 12, tauExc: 12, tauInh: 12 }), dt);
    expect(same.kE).toBe((dt / 12) * Math.exp(-dt / 12));
    expect(same.kI).toBe(same.kE);
    // within 10⁻¹² relative of τm the limit form is used (the general one cancels catastrophically)
    const tauM = 20;
    const close = prepareLif(P({ tauM, tauExc: tauM * (1 + 5e-13) }), dt);
    expect(close.kE).toBe((dt / tauM) * Math.exp(-dt / tauM));
    // continuity: τs next to τm gives nearly the limit
    const near = prepareLif(P({ tauM: 12, tauExc: 12 * (1 + 1e-7) }), dt);
    expect(near.kE).toBeCloseTo(same.kE, 7);
  });

  it('refractory steps: ⌊(t + 10⁻³·dt)/dt⌋', () => {
    expect(q.refractorySteps).toBe(8);
    expect(prepareLif(P({ refractory: 0 }), dt).refractorySteps).toBe(0);
    expect(prepareLif(P({ refractory: 0.3 }), 0.1).refractorySteps).toBe(3); // 0.3/0.1 = 2.9999…
    expect(prepareLif(P({ refractory: 0.35 }), 0.1).refractorySteps).toBe(3);
    expect(prepareLif(P({ refractory: 0.0999 }), 0.1).refractorySteps).toBe(1); // within 10⁻³·dt of a step
    expect(prepareLif(P({ refractory: 0.099 }), 0.1).refractorySteps).toBe(0);
  });

  it('adaptive when θ can jump or starts away from 0', () => {
    expect(q.adaptive).toBe(false);
    expect(prepareLif(P({ thetaPlus: 0.1 }), dt).adaptive).toBe(true);
    expect(prepareLif(P({ thetaInit: 5 }), dt).adaptive).toBe(true);
    expect(prepareLif(P({ thetaOffset: 5, vThresh: -40 }), dt).adaptive).toBe(false);
  });
});
