/**
 * CUBA: the current-based random network of Vogels & Abbott (2005), benchmark 2 of Brette et al.
 * (2007), exactly as Brian2's `examples/CUBA.py` builds it — the network used for the speed
 * comparison with Brian2 (bench/cuba.ts, docs/cuba.md).
 *
 *   τm dv/dt = (ge + gi − (v − El))      (v frozen while refractory)
 *   τe dge/dt = −ge,  τi dgi/dt = −gi     (currents in mV)
 *   v > Vt → spike, v = Vr, refractory 5 ms; exact integration, dt = 0.1 ms
 *
 * N neurons, the first ⌊0.8·N⌋ excitatory ("exc"), the rest inhibitory ("inh"). Every ordered pair
 * (pre, post) is connected independently with probability p (self-connections allowed), as
 * Brian2's `Ce.connect('i<Ne', p=0.02)` / `Ci.connect('i>=Ne', p=0.02)`: here the two index ranges
 * are two populations, so the one Brian2 group becomes four projections exc/inh → exc/inh.
 * An excitatory spike adds we to ge, an inhibitory one adds wi to gi, without delay. Weights are not
 * rescaled with N (Brian2's example does not either), so larger networks fire faster.
 * v0 is uniform in [Vr, Vt], ge = gi = 0.
 *
 * | parameter | value            | unit | meaning                          |
 * |-----------|------------------|------|----------------------------------|
 * | N         | 4000             |      | neurons (80 % excitatory)        |
 * | p         | 0.02             |      | connection probability           |
 * | τm        | 20               | ms   | membrane time constant           |
 * | τe / τi   | 5 / 10           | ms   | synaptic current time constants  |
 * | Vt        | −50              | mV   | threshold                        |
 * | Vr        | −60              | mV   | reset                            |
 * | El        | −49              | mV   | resting potential (above Vt)     |
 * | refractory| 5                | ms   |                                  |
 * | we        | 60·0.27/10 = 1.62| mV   | excitatory weight (into ge)      |
 * | wi        | −20·4.5/10 = −9  | mV   | inhibitory weight (into gi)      |
 *
 * References: T. P. Vogels, L. F. Abbott, J. Neurosci. 25(46):10786 (2005); R. Brette et al.,
 * J. Comput. Neurosci. 23:349 (2007); Brian2 examples/CUBA.py.
 */
import { SnnError } from '../../engine/errors.js';
import type { NetworkDescription } from '../description.js';
import type { ZooBuildOptions } from './registry.js';

export const CUBA = {
  neurons: 4000,
  excitatoryFraction: 0.8,
  connectionProbability: 0.02,
  tauM: 20,
  tauExc: 5,
  tauInh: 10,
  vThresh: -50,
  vReset: -60,
  vRest: -49,
  refractory: 5,
  we: (60 * 0.27) / 10,
  wi: (-20 * 4.5) / 10,
  dt: 0.1,
  duration: 1000,
} as const;

export const CUBA_SUMMARY = 'Vogels & Abbott 2005 current-based random network (Brian2 examples/CUBA.py); --neurons N (default 4000)';

export interface CubaOptions extends ZooBuildOptions {
  /** Connection probability of every ordered pair (default 0.02). */
  connectionProbability?: number;
}

export function cubaDescription(opts: CubaOptions = {}): NetworkDescription {
  const n = opts.neurons ?? CUBA.neurons;
  if (!Number.isInteger(n) || n < 2) throw new SnnError('config.invalid', `cuba needs at least 2 neurons, got ${n}`, 'pass --neurons 2 or more');
  const p = opts.connectionProbability ?? CUBA.connectionProbability;
  if (!(p >= 0 && p <= 1)) throw new SnnError('config.invalid', `cuba connection probability must be in [0, 1], got ${p}`, 'use e.g. 0.02');
  const ne = Math.floor(CUBA.excitatoryFraction * n);
  const ni = n - ne;
  if (ne < 1 || ni < 1) throw new SnnError('config.invalid', `cuba with ${n} neurons has no ${ne < 1 ? 'excitatory' : 'inhibitory'} neuron`, 'use at least 5 neurons');
  const params = {
    tauM: CUBA.tauM,
    vRest: CUBA.vRest,
    vReset: CUBA.vReset,
    vThresh: CUBA.vThresh,
    refractory: CUBA.refractory,
    synapse: 'current' as const,
    method: 'exact' as const,
    tauExc: CUBA.tauExc,
    tauInh: CUBA.tauInh,
  };
  const v0 = { uniform: [CUBA.vReset, CUBA.vThresh] as [number, number] };
  // Geometric skipping: O(synapses) draws (Brian2 samples connect(p=...) the same way).
  const conn = { probability: p, allowSelf: true, sampling: 'skip' as const };
  return {
    name: `cuba-${n}`,
    description: `CUBA (Vogels & Abbott 2005, Brian2 examples/CUBA.py), N = ${n}, p = ${p}`,
    dt: opts.dt ?? CUBA.dt,
    duration: opts.duration ?? CUBA.duration,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.precision !== undefined ? { precision: opts.precision } : {}),
    populations: [
      { name: 'exc', model: 'lif', size: ne, params, v0 },
      { name: 'inh', model: 'lif', size: ni, params, v0 },
    ],
    projections: [
      { name: 'exc->exc', from: 'exc', to: 'exc', channel: 'exc', connectivity: conn, weights: CUBA.we, delay: 0 },
      { name: 'exc->inh', from: 'exc', to: 'inh', channel: 'exc', connectivity: conn, weights: CUBA.we, delay: 0 },
      { name: 'inh->exc', from: 'inh', to: 'exc', channel: 'inh', connectivity: conn, weights: CUBA.wi, delay: 0 },
      { name: 'inh->inh', from: 'inh', to: 'inh', channel: 'inh', connectivity: conn, weights: CUBA.wi, delay: 0 },
    ],
    record: { spikes: true },
  };
}
