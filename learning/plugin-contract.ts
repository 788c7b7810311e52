/**
 * The contract every learning method plugs into (docs/learning.md). A new rule is a new file
 * that registers a factory; nothing in engine/ or models/ changes.
 *
 * Two families share one network graph (the weights live in the graph's projections; a rule only
 * views them):
 *
 * 1. **Local, spike-driven rules** (sym-STDP, pair STDP, synaptic scaling, intrinsic plasticity)
 *    implement `PlasticityRule`: they join the clock schedule and hooks in `attach`, are switched
 *    on for training and frozen for evaluation, and may act at presentation boundaries.
 *
 * 2. **Batched tensor rules** (surrogate-gradient BPTT, SPSA) implement `BatchRule`: `step(batch)`
 *    returns one pseudo-gradient U per weight tensor with the convention W ← W − η·U (for STDP
 *    U = −ΔW/η, for BPTT ∂L/∂W, for SPSA ĝ·z). `UpdateTransform`s (LAMB, SPECTRA, TrAct) rewrite U
 *    before it is applied, whatever rule produced it; `BatchPolicy`s (lr–batch scaling, AdAdaGrad)
 *    choose batch size and learning rate from logged statistics.
 *
 * All randomness comes from RngStreams keyed by (seed, purpose, sample), so two rules compared head
 * to head see the same input spikes.
 */
import type { FloatArray } from '../engine/float-array.js';
import type { Network } from '../models/network.js';

export interface PresentationContext {
  /** Training presentation (plasticity on) or evaluation. */
  training: boolean;
  /** Index of the sample in its dataset. */
  sample: number;
  /** 0 for the first presentation of a sample, k for its k-th re-presentation. */
  repeat: number;
  /** The network step at which the presentation starts. */
  step: number;
}

/** Serializable state of a rule (traces, counters); weights belong to the graph and are saved with it. */
export type RuleState = Record<string, Float64Array | Float32Array | number | string | boolean>;

export interface PlasticityRule {
  /** Registry name of the rule kind, e.g. 'sym-stdp'. */
  readonly kind: string;
  /** Instance name, e.g. 'sym-stdp:input->exc'. */
  readonly name: string;
  /** Joins the network's schedule and hooks; called once after the network is built. */
  attach(net: Network): void;
  /** Learning on (training) or frozen (evaluation): frozen means no weight, trace or θ change. */
  setPlastic(on: boolean): void;
  readonly plastic: boolean;
  beforePresentation?(ctx: PresentationContext): void;
  afterPresentation?(ctx: PresentationContext): void;
  saveState(): RuleState;
  loadState(state: RuleState): void;
}

/** One weight tensor a batched rule updates, viewed in place from the graph. */
export interface WeightTensor {
  name: string;
  shape: [number, number];
  values: FloatArray;
}

export interface Batch {
  /** Sample indices in the dataset. */
  indices: Int32Array;
  /** Step (update) number: keys the random streams of stochastic rules. */
  update: number;
}

export interface BatchRule {
  readonly kind: string;
  readonly tensors: readonly WeightTensor[];
  /** One pseudo-gradient per tensor (same order and shape), W ← W − η·U. */
  step(batch: Batch): Promise<FloatArray[]> | FloatArray[];
  /**
   * Optional: compute per-sample statistics in the following steps (extra work, so off until a
   * policy asks for them; it never changes the updates).
   */
  collectPerSampleStats?(on: boolean): void;
  /** Optional: the per-sample statistics of the last `step(batch)` (after collectPerSampleStats(true)), for AdAdaGrad's test. */
  perSampleStats?(batch: Batch): PerSampleStats;
  /** Optional: the first layer's update factors of the last `step` (TrAct). */
  firstLayerFactors?(): LayerFactors;
  /** Optional: the readout's update factors of the last `step` (SSO). */
  readoutFactors?(): LayerFactors;
}

/** What a transform may need beyond one tensor's update (filled by the training loop). */
export interface TransformContext {
  /** Samples in the batch (or presentations accumulated into this update). */
  batchSize: number;
  /** How many tensors the rule updates (so a transform can address "the last one"). */
  tensorCount?: number;
  /**
   * The first layer's update factors, when the rule offers them (`BatchRule.firstLayerFactors`): in
   * the tensor's [pre × post] layout U = Xᵀ·G, with X (rows × pre, row-major) the layer's inputs and
   * G (rows × post) the loss gradient at its pre-activations (of the batch-mean loss, so G carries
   * the 1/b). Rows are samples, or (step, sample) pairs for a rule unrolled in time. TrAct needs X
   * only; G is optional.
   */
  firstLayer?: LayerFactors;
  /** The readout's (last tensor's) factors in the same form, for SSO: X its inputs, G = ∂L/∂z. */
  readout?: LayerFactors;
}

/** Factors of one layer's update, U = Xᵀ·G (see `TransformContext.firstLayer`). */
export interface LayerFactors {
  x: Float32Array;
  g?: Float32Array;
  rows: number;
}

/**
 * An optimizer wrapper over any rule's update (Adam, LAMB, SPECTRA, TrAct, SSO): rewrites U for
 * tensor `index` (in place or as a new array); the caller applies W ← W − η·U'. Transforms keep
 * per-tensor state (moments) and save it in checkpoints, so a resumed run is byte-identical.
 */
export interface UpdateTransform {
  readonly kind: string;
  transform(index: number, update: FloatArray, tensor: WeightTensor, context: TransformContext): FloatArray;
  /** What it last did, logged into metrics.jsonl (e.g. `trustRatio/input->exc`). */
  diagnostics?(): Record<string, number>;
  saveState(): RuleState;
  loadState(state: RuleState): void;
}

/**
 * Per-sample statistics of a step's updates u_i (i = 1..count; u_i = ∇ℓ_i, the update of sample i
 * alone, so that their mean is the step's U), for AdAdaGrad's norm test. The test needs the mean
 * per coordinate but the spread only summed over all coordinates, Σ_coords Var_i(u_i) =
 * (Σ_i ‖u_i‖² − count·‖ū‖²)/(count − 1), so a rule reports Σ_i ‖u_i‖² as one number: it can often
 * get it without forming any u_i (learning/per-sample-norms.ts).
 */
export interface PerSampleStats {
  /** Σ_i u_i per tensor (same order and shape as the rule's tensors). */
  sum: FloatArray[];
  /** Σ_i ‖u_i‖², every tensor's coordinates together. */
  sumSqNorms: number;
  count: number;
}

/**
 * Chooses batch size and learning rate for the next update (lr–batch scaling, AdAdaGrad). Policies
 * keep state (the batch never shrinks under AdAdaGrad) and save it in checkpoints.
 */
export interface BatchPolicy {
  readonly kind: string;
  next(ctx: { update: number; batchSize: number; learningRate: number; stats?: PerSampleStats }): { batchSize: number; learningRate: number };
  /** True if `next` needs the rule's per-sample statistics (the trainer then asks the rule to collect them). */
  readonly needsStats?: boolean;
  diagnostics?(): Record<string, number>;
  saveState(): RuleState;
  loadState(state: RuleState): void;
}
