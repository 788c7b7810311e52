import { describe, expect, it } from 'vitest';
import { runTrainSpeed } from './train-speed.js';

describe('bench train', () => {
  it.each(['diehl-cook-2015', 'hao2020'])('reports the driver keys for %s', (model) => {
    const r = runTrainSpeed({ model, neurons: 10, samples: 3, seed: 1 });
    for (const k of ['msPerSampleMedian', 'msPerSampleMin', 'msPerSampleMax', 'synapticEventsPerSecond', 'spikesPerSample', 'backend', 'model', 'neurons', 'samples'] as const) {
      expect(r[k]).toBeDefined();
    }
    expect(r.model).toBe(model);
    expect(r.samples).toBe(3);
    expect(r.msPerSampleMin).toBeLessThanOrEqual(r.msPerSampleMedian);
    expect(r.msPerSampleMedian).toBeLessThanOrEqual(r.msPerSampleMax);
    expect(r.presentationsPerSample).toBe(1);
    expect(r.simulatedMsPerSample).toBe(500);
    expect(r.inputSpikesPerSample).toBeGreaterThan(500);
    expect(r.synapticEventsPerSecond).toBeGreaterThan(0);
  });

  it('rejects an unknown model with the known ones', () => {
    expect(() => runTrainSpeed({ model: 'nope', neurons: 10, samples: 1, seed: 1 })).toThrow(expect.objectContaining({ message: "unknown model 'nope' for bench train", hint: 'known models: diehl-cook-2015, hao2020' }));
  });
});
