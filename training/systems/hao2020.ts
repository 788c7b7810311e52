/**
 * The Hao et al. 2020 training system: the hao2020 graph (models/zoo/hao2020.ts) with its rules
 * (spec/symstdp.md §4, §6, §7, §9):
 *   - sym-STDP on input→exc (unsupervised) and on exc→SL (driven by the teacher's spikes);
 *   - synaptic scaling of input→exc before every presentation, of exc→SL before training ones;
 *   - intrinsic plasticity of the exc thresholds while the hidden layer learns.
 * Schedules: 'simultaneous' (everything learns from sample 0) or 'layerwise' (stage 1: the hidden
 * layer learns without a teacher; stage 2: hidden weights and θ frozen, E2C re-initialised and
 * trained with the teacher).
 */
import { kernelBackend } from '../../engine/backend.js';
import { RngStream } from '../../engine/rng.js';
import { SymStdpMemory } from '../../learning/kernels/sym-stdp-memory.js';
import { IntrinsicPlasticity } from '../../learning/intrinsic-plasticity.js';
import { SymStdp } from '../../learning/sym-stdp.js';
import { SynapticScaling } from '../../learning/synaptic-scaling.js';
import { buildHao2020, hao2020MaxDelaySteps, type Hao2020Config, type Hao2020Network } from '../../models/zoo/hao2020.js';
import { presentationProtocol, type PresentationProtocol, type TrainingStage, type TrainingSystem } from '../training-system.js';

export class Hao2020System implements TrainingSystem {
  readonly model = 'hao2020';
  readonly g: Hao2020Network;
  readonly stdpInput: SymStdp;
  readonly stdpOutput: SymStdp;
  readonly scaleInput: SynapticScaling;
  readonly scaleOutput: SynapticScaling;
  readonly intrinsic: IntrinsicPlasticity;
  readonly stages: readonly TrainingStage[];
  /** SIMD kernels and memory of the input→exc weights (wasm backend), or null (JS loops). */
  readonly kernels: SymStdpMemory | null;

  constructor(
    readonly config: Hao2020Config,
    private readonly seed: number,
  ) {
    const c = config;
    // With the wasm backend (f64), the input weights and the sym-STDP post traces live in the exc
    // population's memory, beside the ring the fused fan-out writes into (SIMD fan-out and scaling);
    // with input delays, the arrival kernel's grouped synapses and spike ring too.
    let mem: SymStdpMemory | null = null;
    const useKernels = kernelBackend() === 'wasm' && c.precision === 'f64';
    this.g = buildHao2020(
      c,
      seed,
      useKernels ? { excWasmExtraBytes: SymStdpMemory.bytesFor(784, c.neurons, hao2020MaxDelaySteps(c)), inputWeights: (exc) => (mem = SymStdpMemory.create(exc.wasmKernels, 784, c.neurons))?.weights ?? null } : {},
    );
    const { p2e, e2c, exc, net } = this.g;
    const trace = { tau: c.traceTau, aPre: c.traceIncrement, aPost: c.traceIncrement };
    this.kernels = mem;
    this.stdpInput = new SymStdp(p2e, { eta: c.etaInput, wMax: c.wMaxInput, ...trace }, mem);
    this.stdpOutput = new SymStdp(e2c, { eta: c.etaOutput, wMax: c.wMaxOutput, ...trace });
    this.scaleInput = new SynapticScaling(p2e, { target: c.scaleInput, when: 'every' }, mem);
    this.scaleOutput = new SynapticScaling(e2c, { target: c.scaleOutput, when: 'training' });
    this.intrinsic = new IntrinsicPlasticity(exc);
    for (const r of this.rules) r.attach(net);
    this.stages = c.schedule === 'layerwise' ? [{ name: 'hidden', teacher: false }, { name: 'output', teacher: true }] : [{ name: 'all', teacher: true }];
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
  get output() {
    return this.g.sl;
  }

  get rules() {
    // Scaling before STDP in presentation hooks; order is fixed and documented.
    return [this.scaleInput, this.scaleOutput, this.stdpInput, this.stdpOutput, this.intrinsic];
  }

  get protocol(): PresentationProtocol {
    return presentationProtocol(this.config, { teacherRate: this.config.teacherRate, inputEncoding: 'hao' });
  }


  setMode(stage: TrainingStage | null): void {
    const hiddenLearns = stage !== null && stage.name !== 'output';
    const outputLearns = stage !== null && stage.name !== 'hidden';
    this.stdpInput.setPlastic(hiddenLearns);
    this.scaleInput.setPlastic(hiddenLearns);
    this.intrinsic.setPlastic(hiddenLearns);
    this.stdpOutput.setPlastic(outputLearns);
    this.scaleOutput.setPlastic(outputLearns);
  }

  /** Layer-wise stage 2 starts from fresh uniform E2C weights (the authors' reset_Cla_para). */
  onStageStart(stage: TrainingStage): void {
    if (stage.name !== 'output') return;
    const w = this.g.e2c.weights;
    const rng = RngStream.derive(this.seed, 'proj:exc->sl/weights/stage2');
    for (let k = 0; k < w.length; k++) w[k] = Math.floor(rng.uniform() * 300) / 1000;
  }

  modelArrays() {
    return { 'input->exc': this.g.p2e.weights, 'exc->sl': this.g.e2c.weights, 'exc.theta': this.g.exc.theta };
  }
}
