/**
 * descriptionToNirSpec details not covered by the round trips of nir-mapping.test.ts: exact-mode
 * spike lists (kept in metadata, left out of the build, which could not hold them), which adaptive
 * thresholds are lossy for other tools, and the delay of a clock-mode projection without one.
 */
import { describe, expect, it } from 'vitest';
import { buildNetwork, resolveSettings } from '../../models/build-network.js';
import { parseDescription } from '../../models/description.js';
import { descriptionToNirSpec } from './nir-from-description.js';

const THETA_NOTE = (init: number) => `population 'a': adaptive threshold frozen at θ = thetaInit (${init} mV) for NIR tools (snn restores it from snn_theta)`;

describe('descriptionToNirSpec', () => {
  it('exports an exact-mode source with two spikes inside one step; its spike list stays in metadata', () => {
    const populations = [
      { name: 'in', model: 'spike-source-array', size: 2, spikes: [[0.01, 0], [0.05, 0], [0.3, 1]] },
      { name: 'a', model: 'lif', size: 2 },
    ];
    const projections = [{ name: 'p', from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: [[1, 2], [3, 4]] }];
    const desc = parseDescription({ mode: 'exact', dt: 0.1, populations, projections });
    // the stepped build refuses two spikes of one neuron in one step: the export must not build them
    expect(() => buildNetwork(desc, resolveSettings(desc))).toThrow(/two spikes in step 0/);
    const { spec } = descriptionToNirSpec(desc);
    expect(spec.populations[0]).toEqual({ kind: 'source', name: 'in', size: 2, metadata: { snn_population: JSON.stringify(populations[0]) } });
    expect(spec.populations[1]).toMatchObject({ kind: 'lif', name: 'a', size: 2 });
    expect(spec.populations[1]).not.toHaveProperty('spikes');
    // [post × pre]
    expect(Array.from(spec.projections[0]!.weight)).toEqual([1, 3, 2, 4]);
  });

  it('notes an adaptive threshold as lossy exactly when θ can move: a jump, or a decaying non-zero start', () => {
    const cases: Array<[{ thetaPlus?: number; tauTheta?: number | null; thetaInit?: number }, boolean]> = [
      [{}, false],
      [{ thetaInit: 2 }, false], // constant θ: exactly a higher threshold
      [{ tauTheta: 50 }, false], // decays, but from 0: stays 0
      [{ tauTheta: 50, thetaInit: 2 }, true],
      [{ thetaPlus: 0.5 }, true],
      [{ thetaPlus: 0.5, tauTheta: 50 }, true],
      [{ thetaPlus: 0.5, thetaInit: 2 }, true],
    ];
    for (const [theta, noted] of cases) {
      const { lossy, spec } = descriptionToNirSpec(parseDescription({ populations: [{ name: 'a', model: 'lif', size: 1, params: { vReset: -70, ...theta } }] }));
      expect(lossy, JSON.stringify(theta)).toEqual(noted ? [THETA_NOTE(theta.thetaInit ?? 0)] : []);
      expect(spec.metadata['snn_lossy']).toBe(noted ? THETA_NOTE(theta.thetaInit ?? 0) : undefined);
    }
  });

  it('clock mode: a single delay as declared, none as 0, per-synapse delays on the grid', () => {
    const mk = (delay?: unknown) =>
      descriptionToNirSpec(
        parseDescription({
          dt: 0.5,
          populations: [
            { name: 'in', model: 'spike-source-array', size: 2, spikes: [] },
            { name: 'a', model: 'lif', size: 2 },
          ],
          projections: [{ name: 'p', from: 'in', to: 'a', channel: 'v', connectivity: 'dense', weights: 1, ...(delay === undefined ? {} : { delay }) }],
        }),
      ).spec.projections[0]!;
    expect(mk(2)).toMatchObject({ delayMs: 2 });
    expect(mk(2).delaysMs).toBeUndefined();
    expect(mk().delayMs).toBe(0);
    expect(mk().delaysMs).toBeUndefined();
    const ranged = mk({ uniform: [2, 2] });
    expect(ranged.delayMs).toBe(0);
    expect(Array.from(ranged.delaysMs!)).toEqual([2, 2, 2, 2]);
  });
});
