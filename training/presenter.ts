/**
 * Presents one sample by the protocol of Diehl & Cook / Hao et al. (docs/datasets.md, "Presentation protocol"): Poisson
 * input for `presentMs`, then `restMs` of silence; if the hidden layer fired fewer than `minSpikes`
 * spikes, the intensity goes up by one and the same sample is shown again (up to `intensityMax`).
 * Every random stream is keyed by (purpose, sample, repeat), so a presentation's spikes do not
 * depend on anything before it: resumed runs and head-to-head comparisons see the same input.
 */
import { PoissonEncoder } from '../datasets/poisson-encoder.js';
import { nextIntensity } from '../datasets/presentation.js';
import { RngStream } from '../engine/rng.js';
import type { PresentationProtocol, TrainingStage, TrainingSystem } from './training-system.js';

const NEVER = -0x40000000;

/**
 * The input encoder a protocol asks for: Hao et al.'s Bernoulli draw p = min(1, r·dt) with a forced
 * reset step after each spike ('hao'), or merged Poisson ('poisson', Diehl & Cook).
 */
export function protocolEncoder(p: PresentationProtocol): PoissonEncoder {
  return new PoissonEncoder({
    size: 784,
    dt: p.dt,
    durationMs: p.presentMs,
    ...(p.inputEncoding === 'hao' ? { stepProbability: 'linear' as const, deadSteps: 1 } : {}),
  });
}

export interface PresentationResult {
  /** Spikes per hidden neuron in the accepted presentation. */
  hiddenCounts: Int32Array;
  /** Spikes per supervision neuron in the accepted presentation (empty without one). */
  outputCounts: Int32Array;
  presentations: number;
  intensity: number;
}

export class Presenter {
  private readonly hiddenCounts: Int32Array;
  private readonly outputCounts: Int32Array;
  private readonly presentSteps: number;
  private readonly restSteps: number;
  private readonly teacherRates: Float64Array;
  /** Network steps of training presentations and rests (for throughput figures). */
  stepsSimulated = 0;

  constructor(
    private readonly system: TrainingSystem,
    private readonly seed: number,
    private readonly encoder: PoissonEncoder = protocolEncoder(system.protocol),
  ) {
    const net = system.net;
    this.hiddenCounts = new Int32Array(system.hidden.size);
    this.outputCounts = new Int32Array(system.output?.size ?? 0);
    this.teacherRates = new Float64Array(system.output?.size ?? 0);
    const p = system.protocol;
    this.presentSteps = Math.round(p.presentMs / p.dt);
    this.restSteps = Math.round(p.restMs / p.dt);
    const hiddenIndex = net.populations.indexOf(system.hidden);
    const outputIndex = system.output ? net.populations.indexOf(system.output) : -1;
    const hc = this.hiddenCounts;
    const oc = this.outputCounts;
    net.addHooks({
      onSpike(k, ids, count) {
        if (k === hiddenIndex) for (let c = 0; c < count; c++) hc[ids[c]!]!++;
        else if (k === outputIndex) for (let c = 0; c < count; c++) oc[ids[c]!]!++;
      },
    });
  }

  /**
   * Shows `image` (784 pixels) until accepted. `stage` null = evaluation (no teacher, frozen rules).
   * `key` names the stream family, e.g. 'train/e0' or 'test'.
   */
  present(image: Uint8Array, label: number, sample: number, stage: TrainingStage | null, key: string): PresentationResult {
    if (stage === null) resetDynamics(this.system);
    const { system, encoder } = this;
    const net = system.net;
    const p = system.protocol;
    const training = stage !== null;
    let intensity = p.intensityStart;
    let presentations = 0;
    for (let repeat = 0; ; repeat++) {
      const ctx = { training, sample, repeat, step: net.step };
      for (const r of system.rules) r.beforePresentation?.(ctx);
      if (system.output) {
        if (training && stage.teacher) {
          this.teacherRates.fill(0);
          this.teacherRates[label] = p.teacherRate;
          system.output.setTeacher(this.teacherRates, RngStream.derive(this.seed, `teacher/${key}/s${sample}/r${repeat}`));
        } else system.output.setTeacher(null, null);
      }
      const spikes = encoder.encode(image, intensity, RngStream.derive(this.seed, `encoder/${key}/s${sample}/r${repeat}`));
      system.input.load(spikes, net.step);
      this.hiddenCounts.fill(0);
      this.outputCounts.fill(0);
      net.hooks.presentationStart(sample, net.time);
      net.runSteps(this.presentSteps);
      net.hooks.presentationEnd(sample, net.time);
      system.input.load(null, net.step);
      system.output?.setTeacher(null, null);
      let total = 0;
      for (let i = 0; i < this.hiddenCounts.length; i++) total += this.hiddenCounts[i]!;
      for (const r of system.rules) r.afterPresentation?.(ctx);
      presentations++;
      const counts = { hidden: this.hiddenCounts.slice(), output: this.outputCounts.slice() };
      const next = nextIntensity(intensity, total, { minSpikes: p.minSpikes, step: 1, max: p.intensityMax });
      // An accepted test sample needs no rest: the next one starts from a reset state anyway.
      if (training || next !== null) this.rest();
      if (training) this.stepsSimulated += this.presentSteps + (p.rest === 'simulate' ? this.restSteps : 0);
      if (next === null) return { hiddenCounts: counts.hidden, outputCounts: counts.output, presentations, intensity };
      intensity = next;
    }
  }

  /** The rest between presentations: simulated in silence, or skipped with the dynamics reset. */
  private rest(): void {
    const net = this.system.net;
    if (this.system.protocol.rest === 'simulate') {
      net.runSteps(this.restSteps);
      return;
    }
    resetDynamics(this.system);
    net.step += this.restSteps;
  }
}

/**
 * Puts every neuron back at rest (v = vRest, no conductance, not refractory) and drops pending
 * input; weights, θ and rule traces are kept. Used by the 'reset' rest and before every test sample,
 * so a test sample's result does not depend on the ones before it (and evaluation can be split
 * across worker threads with identical results).
 */
export function resetDynamics(system: TrainingSystem): void {
  const net = system.net;
  for (const pop of net.populations) {
    const vars = pop.stateVariables();
    const lif = pop as unknown as { params?: { vRest: number }; lastSpike?: Int32Array };
    if (lif.params && vars.v) vars.v.fill(lif.params.vRest);
    vars.ge?.fill(0);
    vars.gi?.fill(0);
    lif.lastSpike?.fill(NEVER);
  }
  for (const pop of net.populations) for (const ch of pop.channels) net.inputRing(pop.name, ch)?.clear();
}

/** Copies of the dynamic state (v, conductances, refractory clocks, step), to put back after an evaluation. */
export function snapshotDynamics(system: TrainingSystem): () => void {
  const net = system.net;
  const saved = net.populations.map((pop) => {
    const vars = pop.stateVariables();
    const lif = pop as unknown as { lastSpike?: Int32Array };
    return {
      vars: Object.fromEntries(Object.entries(vars).filter(([k]) => k !== 'theta' && k !== 'rate').map(([k, a]) => [k, a.slice()])),
      lastSpike: lif.lastSpike?.slice(),
    };
  });
  const rings = net.populations.flatMap((pop) => pop.channels.map((ch) => net.inputRing(pop.name, ch)));
  const ringCopies = rings.map((r) => r?.buffer.slice());
  const step = net.step;
  return () => {
    net.populations.forEach((pop, k) => {
      const vars = pop.stateVariables();
      for (const [name, a] of Object.entries(saved[k]!.vars)) vars[name]!.set(a);
      const lif = pop as unknown as { lastSpike?: Int32Array };
      if (lif.lastSpike && saved[k]!.lastSpike) lif.lastSpike.set(saved[k]!.lastSpike);
    });
    rings.forEach((r, k) => r?.restore(ringCopies[k]!));
    net.step = step;
  };
}
