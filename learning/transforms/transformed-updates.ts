/**
 * Update transforms over a local rule, as a rule of its own: around every training presentation of
 * one projection it runs a `PresentationUpdate` (begin → the rules learn while spikes flow → end),
 * so the presentation's ΔW goes through the transform chain (LAMB, SPECTRA, …). It is attached
 * after every other rule, so its snapshot follows their `beforePresentation` work and its write
 * follows their `afterPresentation` work. It learns in the stages of the weight rule it wraps;
 * evaluation (frozen) is never touched.
 *
 * The projection's synaptic scaling, if any, is handed over (`delegated`): the presentation update
 * runs it before or after its snapshot (`order`), or not at all ('instead-of-scaling').
 *
 * The transforms' diagnostics are summed after every update and averaged over the updates since
 * the last `takeDiagnostics()` (the trainer takes them at each evaluation). The sums are part of
 * the state, so a resumed run writes the same metrics.
 */
import type { Network } from '../../models/network.js';
import type { DenseProjection } from '../../models/projection.js';
import type { PlasticityRule, PresentationContext, RuleState, UpdateTransform, WeightTensor } from '../plugin-contract.js';
import type { SynapticScaling } from '../synaptic-scaling.js';
import { PresentationUpdate, type ScalingOrder } from './presentation-update.js';
import { prefixState, unprefixState } from './nested-state.js';

export interface TransformedUpdatesOptions {
  transforms: readonly UpdateTransform[];
  order: ScalingOrder;
  learningRate: number;
  /** The projection's synaptic scaling (taken over), or null. */
  scaling: SynapticScaling | null;
}

const DIAG = 'diag:';

export class TransformedUpdates implements PlasticityRule {
  readonly kind = 'update-transforms';
  readonly name: string;
  plastic = true;
  private readonly update: PresentationUpdate;
  private open = false;
  private readonly sums = new Map<string, number>();
  private count = 0;

  constructor(
    readonly projection: DenseProjection,
    opts: TransformedUpdatesOptions,
  ) {
    this.name = `update-transforms:${projection.name}`;
    const scaling = opts.scaling;
    if (scaling !== null) scaling.delegated = true;
    // The weights are read through the projection each time: a kernel memory may move its view.
    const tensor: WeightTensor = {
      name: projection.name,
      shape: [projection.pre.size, projection.post.size],
      get values() {
        return projection.weights;
      },
    };
    this.update = new PresentationUpdate([tensor], {
      learningRate: opts.learningRate,
      transforms: opts.transforms,
      order: opts.order,
      // The scaling learns in its own stages: outside them it does not scale, as without transforms.
      scale: scaling === null ? null : () => (scaling.plastic ? scaling.apply() : undefined),
    });
  }

  attach(_net: Network): void {}

  setPlastic(on: boolean): void {
    this.plastic = on;
  }

  beforePresentation(ctx: PresentationContext): void {
    if (!this.plastic || !ctx.training) return;
    this.update.begin();
    this.open = true;
  }

  afterPresentation(_ctx: PresentationContext): void {
    if (!this.open) return;
    this.open = false;
    this.update.end();
    for (const [k, v] of Object.entries(this.update.diagnostics())) this.sums.set(k, (this.sums.get(k) ?? 0) + v);
    this.count++;
  }

  /** Mean of each diagnostic over the updates since the last call (null: none), and a fresh start. */
  takeDiagnostics(): Record<string, number> | null {
    if (this.count === 0) return null;
    const out: Record<string, number> = { updates: this.count };
    for (const [k, v] of this.sums) out[k] = v / this.count;
    this.sums.clear();
    this.count = 0;
    return out;
  }

  saveState(): RuleState {
    const s: RuleState = { plastic: this.plastic, count: this.count, ...prefixState('update.', this.update.saveState()) };
    for (const [k, v] of this.sums) s[`${DIAG}${k}`] = v;
    return s;
  }

  loadState(s: RuleState): void {
    this.plastic = s.plastic as boolean;
    this.count = s.count as number;
    this.update.loadState(unprefixState('update.', s));
    this.sums.clear();
    for (const [k, v] of Object.entries(s)) if (k.startsWith(DIAG)) this.sums.set(k.slice(DIAG.length), v as number);
  }
}
