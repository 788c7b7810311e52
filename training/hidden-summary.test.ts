import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeHidden } from './hidden-summary.js';

describe('summarizeHidden', () => {
  it('counts every neuron once and brackets the thresholds by a value some neuron has', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ label: fc.integer({ min: -1, max: 9 }), theta: fc.double({ min: 0, max: 60, noNaN: true }) }), { minLength: 1, maxLength: 200 }),
        (neurons) => {
          const s = summarizeHidden(Int8Array.from(neurons, (n) => n.label), Float64Array.from(neurons, (n) => n.theta));
          expect(s.unassigned + s.neuronsPerClass.reduce((a, b) => a + b, 0)).toBe(neurons.length);
          for (let c = 0; c < 10; c++) expect(s.neuronsPerClass[c]).toBe(neurons.filter((n) => n.label === c).length);
          const thetas = neurons.map((n) => n.theta);
          expect(s.theta.min).toBe(Math.min(...thetas));
          expect(s.theta.max).toBe(Math.max(...thetas));
          expect(thetas).toContain(s.theta.median);
          // At least half of the neurons on either side of the median.
          expect(2 * thetas.filter((t) => t <= s.theta.median).length).toBeGreaterThanOrEqual(neurons.length);
          expect(2 * thetas.filter((t) => t >= s.theta.median).length).toBeGreaterThanOrEqual(neurons.length);
        },
      ),
    );
  });
});
