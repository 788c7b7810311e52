/**
 * Ring-buffer delivery must equal delivery through the event heap, for random delays.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DenseProjection } from '../models/projection.js';
import { EventQueue } from './event-queue.js';
import { InputRing } from './input-ring.js';
import { fakePopulation } from '../test/helpers/run-network.js';

/** A do-nothing population named after its size. */
const fakePopulationOfSize = (size: number) => fakePopulation(`p${size}`, size);

describe('InputRing', () => {
  it('sizes itself to the next power of two above the longest delay', () => {
    expect(new InputRing('f64', 3, 0).slots).toBe(1);
    expect(new InputRing('f64', 3, 1).slots).toBe(2);
    expect(new InputRing('f64', 3, 16).slots).toBe(32);
  });

  it('delivers exactly what a heap of (arrival step, target, weight) events delivers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 0xffff }),
        (nPre, nPost, maxDelay, salt) => {
          const pre = fakePopulationOfSize(nPre);
          const post = fakePopulationOfSize(nPost);
          const w = new Float64Array(nPre * nPost);
          const d = new Uint16Array(nPre * nPost);
          let x = salt + 1;
          const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
          for (let k = 0; k < w.length; k++) {
            w[k] = (next() % 7) - 3; // integers: sums are exact in any order
            d[k] = next() % (maxDelay + 1);
          }
          const proj = new DenseProjection('p', pre, post, 'exc', w, null, d);
          const ring = new InputRing('f64', nPost, maxDelay);
          proj.bindRing(ring);
          const heap = new EventQueue<{ j: number; w: number }>();
          const steps = 60;
          for (let s = 0; s < steps; s++) {
            pre.spikes.count = 0;
            for (let i = 0; i < nPre; i++) if (next() % 3 === 0) pre.spikes.ids[pre.spikes.count++] = i;
            proj.propagate(s);
            for (let k = 0; k < pre.spikes.count; k++) {
              const i = pre.spikes.ids[k]!;
              for (let j = 0; j < nPost; j++) heap.push(s + d[i * nPost + j]!, 0, { j, w: w[i * nPost + j]! });
            }
            const viaHeap = new Float64Array(nPost);
            while (heap.peekTime() <= s) {
              const e = heap.pop()!.payload;
              viaHeap[e.j] += e.w;
            }
            const off = ring.offset(s);
            const viaRing = Float64Array.from(ring.buffer.subarray(off, off + nPost));
            ring.buffer.fill(0, off, off + nPost);
            expect(Array.from(viaRing)).toEqual(Array.from(viaHeap));
          }
        },
      ),
      { seed: 7, numRuns: 150 },
    );
  });
});
