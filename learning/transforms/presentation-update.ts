/**
 * A local rule's weight change over one presentation, treated as an update like any other, so that
 * the optimizer wrappers (LAMB, SPECTRA, Adam, …) apply to sym-STDP and pair STDP too.
 *
 * Around a presentation: `begin()` snapshots the weights W₀; the rule (e.g. sym-STDP) then changes
 * them in place while spikes flow, to W₁; `end()` forms the pseudo-gradient U = −(W₁ − W₀)/η, runs
 * the transform chain to U' (the transforms see W₀, the weights the update is relative to), and
 * writes W ← W₀ − η·U'. The write is done as W₁ + η·(U − U'), so a
 * transform that returns U unchanged (sgd) leaves the rule's weights bit-identical.
 *
 * Synaptic scaling (w ← w·S/Σw per post neuron) also normalizes weights, and so do LAMB and
 * SPECTRA in their way, so where scaling sits is a switch (`order`). Scaling runs where a recipe
 * runs it, at the start of each training presentation (`begin()`); the switch decides whether the
 * snapshot W₀ is taken after it or before it:
 *   'before-scaling'      scale, snapshot: U is the rule's change alone, and the transformed weights
 *                         are scaled at the start of the next presentation (rule → transform → scaling);
 *   'after-scaling'       snapshot, scale: U is the change of scaling + rule together;
 *   'instead-of-scaling'  snapshot only: U is the rule's change; no scaling at all.
 * The weights therefore go through exactly the sequence of the unwrapped recipe when the transform
 * is the identity, in either scaling order (the final model and every evaluation included). The
 * caller switches the scaling rule's own per-presentation call off and passes its `apply` here.
 *
 * η is the learning rate the transformed step uses (`learningRate`); it cancels for sgd. For LAMB it
 * sets the step norm η·‖W‖ per presentation, for SPECTRA the largest singular value η·c.
 */
import { SnnError } from '../../engine/errors.js';
import type { FloatArray } from '../../engine/float-array.js';
import type { RuleState, TransformContext, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import { prefixState, unprefixState } from './nested-state.js';

export type ScalingOrder = 'before-scaling' | 'after-scaling' | 'instead-of-scaling';

export interface PresentationUpdateOptions {
  /** η: U = −ΔW/η and W ← W₀ − η·U'. */
  learningRate: number;
  /** Applied in order to each tensor's U. */
  transforms: readonly UpdateTransform[];
  order: ScalingOrder;
  /** Synaptic scaling of the same weights (e.g. `() => scaling.apply()`); null: none. */
  scale?: (() => void) | null;
}

export class PresentationUpdate {
  readonly order: ScalingOrder;
  readonly learningRate: number;
  private readonly transforms: readonly UpdateTransform[];
  private readonly scale: (() => void) | null;
  private readonly before: Float64Array[];
  private readonly u: Float64Array[];
  /** The chain's input: a copy of U, since a transform may rewrite its input in place. */
  private readonly chainInput: Float64Array[];
  private open = false;
  /** Presentations turned into updates so far. */
  updates = 0;

  constructor(
    readonly tensors: readonly WeightTensor[],
    opts: PresentationUpdateOptions,
  ) {
    if (!(opts.learningRate > 0) || !Number.isFinite(opts.learningRate)) {
      throw new SnnError('config.invalid', `presentation update: learning rate must be > 0, got ${opts.learningRate}`, 'use the rule\'s η, e.g. 0.01');
    }
    const scale = opts.scale ?? null;
    if (opts.order !== 'instead-of-scaling' && scale === null) {
      throw new SnnError('config.invalid', `presentation update: order '${opts.order}' needs the synaptic scaling to place`, "pass the scaling, or use order 'instead-of-scaling'");
    }
    this.order = opts.order;
    this.learningRate = opts.learningRate;
    this.transforms = opts.transforms;
    this.scale = opts.order === 'instead-of-scaling' ? null : scale;
    this.before = tensors.map((t) => new Float64Array(t.values.length));
    this.u = tensors.map((t) => new Float64Array(t.values.length));
    this.chainInput = tensors.map((t) => new Float64Array(t.values.length));
  }

  /** Before a training presentation: scaling and the snapshot W₀, in the order of `order`. */
  begin(): void {
    if (this.order === 'before-scaling') this.scale!();
    this.tensors.forEach((t, k) => this.before[k]!.set(t.values));
    if (this.order === 'after-scaling') this.scale!();
    this.open = true;
  }

  /** After the presentation: U = −(W₁ − W₀)/η, U' = transforms(U), W ← W₁ + η·(U − U'). */
  end(context: Partial<TransformContext> = {}): void {
    if (!this.open) throw new SnnError('internal', 'presentation update: end() without begin()');
    this.open = false;
    const eta = this.learningRate;
    const ctx: TransformContext = { batchSize: 1, tensorCount: this.tensors.length, ...context };
    this.tensors.forEach((t, k) => {
      const w = t.values;
      const w0 = this.before[k]!;
      const u = this.u[k]!;
      for (let i = 0; i < w.length; i++) u[i] = -(w[i]! - w0[i]!) / eta;
      // transforms see the weights the update is relative to (W₀: LAMB's ‖W‖, decay λ·W)
      const view: WeightTensor = { name: t.name, shape: t.shape, values: w0 };
      const input = this.chainInput[k]!;
      input.set(u);
      let out: FloatArray = input;
      for (const tr of this.transforms) out = tr.transform(k, out, view, ctx);
      for (let i = 0; i < w.length; i++) {
        const d = u[i]! - out[i]!;
        if (d !== 0) w[i] = w[i]! + eta * d;
      }
    });
    this.updates++;
  }

  /** The transforms' diagnostics, merged (names are already per tensor). */
  diagnostics(): Record<string, number> {
    return Object.assign({}, ...this.transforms.map((t) => t.diagnostics?.() ?? {})) as Record<string, number>;
  }

  /** Between presentations only: the transforms' states. */
  saveState(): RuleState {
    if (this.open) throw new SnnError('internal', 'presentation update: checkpoint inside a presentation');
    const s: RuleState = { updates: this.updates, transforms: this.transforms.length };
    this.transforms.forEach((t, k) => Object.assign(s, prefixState(`t${k}.`, t.saveState())));
    return s;
  }

  loadState(s: RuleState): void {
    if (s.transforms !== this.transforms.length) throw new SnnError('io.corrupt', `presentation update: checkpoint has ${String(s.transforms)} transforms, the run ${this.transforms.length}`, 'resume with the same --transform list');
    this.updates = s.updates as number;
    this.transforms.forEach((t, k) => t.loadState(unprefixState(`t${k}.`, s)));
  }
}
