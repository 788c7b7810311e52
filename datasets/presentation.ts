/**
 * The sample presentation protocol of Hao et al. (docs/datasets.md, "Presentation protocol"), as constants and a
 * pure transition function. The training/eval loop owns the simulation; this file only decides
 * what happens after a presentation, so the rule can be tested without a network.
 *
 * Protocol: show the sample for `presentMs` (350 ms) at input intensity `intensityStart` (2, i.e.
 * 63.75 Hz for a white pixel), then rest `restMs` (150 ms) with all input and teacher rates at 0.
 * If the hidden excitatory layer emitted fewer than `minSpikes` (5) spikes during the
 * presentation and the intensity is below `max` (32), raise the intensity by `step` (1), rest,
 * and show the **same** sample again; at `max` the sample is accepted whatever the count.
 * Intensity returns to `intensityStart` for the next sample. Applies in training and test passes;
 * plasticity stays on during failed presentations.
 */
import { SnnError } from '../engine/errors.js';

export interface PresentationTiming {
  /** Presentation length, ms (Hao `RUN_TIME`). */
  readonly presentMs: number;
  /** Rest after every presentation, rates 0, ms (Hao `REST_TIME`). */
  readonly restMs: number;
  /** Input intensity of a sample's first presentation (r = pixel/8 × intensity Hz). */
  readonly intensityStart: number;
}

export const PRESENTATION_DEFAULTS: PresentationTiming = Object.freeze({
  presentMs: 350,
  restMs: 150,
  intensityStart: 2,
});

export interface RepresentationRule {
  /** Fewer hidden-layer spikes than this in a presentation means "too weak" (Hao `NUM_SPIKE_RESP`). */
  readonly minSpikes: number;
  /** Intensity increment per failed presentation. */
  readonly step: number;
  /** Intensity cap; at the cap the sample is accepted anyway. */
  readonly max: number;
}

export const REPRESENTATION_DEFAULTS: RepresentationRule = Object.freeze({ minSpikes: 5, step: 1, max: 32 });

/**
 * Decides what follows a presentation.
 * @param current intensity the sample was just shown at.
 * @param spikesInPresentation hidden excitatory spikes counted during the presentation (not the rest).
 * @returns the intensity to show the same sample again at, or `null` to accept the sample and
 *   move on (the caller then resets to `intensityStart`).
 */
export function nextIntensity(
  current: number,
  spikesInPresentation: number,
  rule: RepresentationRule = REPRESENTATION_DEFAULTS,
): number | null {
  if (!(rule.step > 0) || !Number.isFinite(rule.max) || !(rule.minSpikes >= 0)) {
    throw new SnnError(
      'config.invalid',
      `re-presentation rule needs step > 0, a finite max and minSpikes ≥ 0 (got step ${rule.step}, max ${rule.max}, minSpikes ${rule.minSpikes})`,
      'use the defaults { minSpikes: 5, step: 1, max: 32 }',
    );
  }
  if (spikesInPresentation >= rule.minSpikes || current >= rule.max) return null;
  // Clamp so a step that does not divide the range still ends exactly at the cap.
  return Math.min(current + rule.step, rule.max);
}
