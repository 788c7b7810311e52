/**
 * The Diehl & Cook 2015 training system: the diehl-cook-2015 graph (models/zoo/diehl-cook-2015.ts)
 * with the rules of the authors' script (spec/symstdp.md §13.1):
 *   - pair STDP on input→exc (learning/pair-stdp.ts: depression on arrival, potentiation on post);
 *   - synaptic scaling of input→exc to 78 before every training presentation (re-presentations too);
 *   - θ adaptation of the exc neurons (+0.05 mV per spike, τθ 10⁷ ms) while training.
 * No supervision layer: the readout is the assignment vote (USL) only. Everything is frozen at test
 * time (θ neither decays nor jumps, as in the script's test mode).
 *
 * Input: Poisson at pixel/8 × intensity Hz, one spike at most per 0.5 ms step with
 * p = 1 − e^{−r·dt} ('poisson' encoding; Brian's PoissonGroup uses p = r·dt, 1.6 % more at 63.75 Hz).
 */
import { kernelBackend } from '../../engine/backend.js';
import { InputRing } from '../../engine/input-ring.js';
import { IntrinsicPlasticity } from '../../learning/intrinsic-plasticity.js';
import { PairStdpMemory } from '../../learning/kernels/pair-stdp-memory.js';
import { PairStdp } from '../../learning/pair-stdp.js';
import { SynapticScaling, type SynapticScalingOptions } from '../../learning/synaptic-scaling.js';
import type { Projection } from '../../models/projection.js';
import { buildDiehlCook2015, dcMaxDelaySteps, type DiehlCook2015Config, type DiehlCook2015Network } from '../../models/zoo/diehl-cook-2015.js';
import { presentationProtocol, type PresentationProtocol, type TrainingStage, type TrainingSystem } from '../training-system.js';

export class DiehlCook2015System implements TrainingSystem {
  readonly model = 'diehl-cook-2015';
  readonly g: DiehlCook2015Network;
  readonly stdp: PairStdp;
  readonly scaling: SynapticScaling;
  readonly intrinsic: IntrinsicPlasticity;
  readonly stages: readonly TrainingStage[] = [{ name: 'hidden', teacher: false }];
  readonly output = null;

  /** `kernels: false` forces the JS loops (for equivalence tests); default: WebAssembly when available. */
  constructor(
    readonly config: DiehlCook2015Config,
    seed: number,
    opts: { kernels?: boolean } = {},
  ) {
    const c = config;
    // With the wasm backend (f64), the input weights and the pair-STDP state live in the exc
    // population's WebAssembly memory, next to its input ring, which the arrival kernel then writes
    // straight into; if that memory has no room, in a memory of their own that also holds the ring.
    const D = dcMaxDelaySteps(c);
    const n = c.neurons;
    const held: { mem: PairStdpMemory | null; inHost: boolean } = { mem: null, inHost: false };
    const kernels = (opts.kernels ?? true) && kernelBackend() === 'wasm' && c.precision === 'f64';
    this.g = buildDiehlCook2015(
      c,
      seed,
      kernels
        ? {
            excWasmExtraBytes: PairStdpMemory.bytesFor(784, n, D),
            inputWeights: (_len, exc) => {
              held.mem = PairStdpMemory.createIn(exc.wasmKernels, 784, n, D);
              held.inHost = held.mem !== null;
              held.mem ??= PairStdpMemory.create(784, n, D, InputRing.slotsFor(D) * n);
              return held.mem?.weights ?? null;
            },
            excInputRing: (len) => (held.mem !== null && !held.inHost ? held.mem.f64(len) : null),
          }
        : {},
    );
    const mem = held.mem;
    const stdpOpts = { nuPre: c.nuPre, nuPost: c.nuPost, tauPre: c.tauPre, tauPost1: c.tauPost1, tauPost2: c.tauPost2, wMax: c.wMax };
    this.stdp = new PairStdp(this.g.p2e, stdpOpts, mem);
    this.scaling = mem ? new KernelSynapticScaling(this.g.p2e, { target: c.scaleInput, when: 'training' }, mem) : new SynapticScaling(this.g.p2e, { target: c.scaleInput, when: 'training' });
    this.intrinsic = new IntrinsicPlasticity(this.g.exc);
    for (const r of this.rules) r.attach(this.g.net);
  }

  get net() {
    return this.g.net;
  }
  get input() {
    return this.g.input;
  }
  get hidden() {
    return this.g.exc;
  }

  get rules() {
    // Scaling runs before the presentation, STDP during it; the order is fixed.
    return [this.scaling, this.stdp, this.intrinsic];
  }

  get protocol(): PresentationProtocol {
    return presentationProtocol(this.config, { teacherRate: 0, inputEncoding: 'poisson' });
  }


  setMode(stage: TrainingStage | null): void {
    const on = stage !== null;
    this.stdp.setPlastic(on);
    this.scaling.setPlastic(on);
    this.intrinsic.setPlastic(on);
  }

  modelArrays() {
    return { 'input->exc': this.g.p2e.weights, 'exc.theta': this.g.exc.theta };
  }
}

/** Synaptic scaling run by the SIMD kernel of the memory that holds the weights (identical results). */
class KernelSynapticScaling extends SynapticScaling {
  constructor(
    projection: Projection,
    opts: SynapticScalingOptions,
    private readonly memory: PairStdpMemory,
  ) {
    super(projection, opts);
  }

  override apply(): void {
    this.memory.scaleColumns(this.target);
  }
}
