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

describe('InputRing bookkeeping', () => {
  it('slot offsets wrap with the ring (step mod slots, times the size)', () => {
    const r = new InputRing('f64', 3, 5); // 8 slots
    expect(r.slots).toBe(8);
    expect(r.maxDelaySteps).toBe(7);
    expect(r.buffer).toHaveLength(24);
    expect([0, 1, 7, 8, 9, 17].map((s) => r.offset(s))).toEqual([0, 3, 21, 0, 3, 3]);
    expect(InputRing.slotsFor(0)).toBe(1);
    expect(InputRing.slotsFor(3)).toBe(4);
    expect(InputRing.slotsFor(4)).toBe(8);
    expect(InputRing.slotsFor(7)).toBe(8);
  });

  it('float32 rings for f32 networks, and a caller-provided buffer when given', () => {
    expect(new InputRing('f32', 2, 1).buffer).toBeInstanceOf(Float32Array);
    expect(new InputRing('f64', 2, 1).buffer).toBeInstanceOf(Float64Array);
    const mine = new Float64Array(4);
    const lengths: number[] = [];
    const r = new InputRing('f64', 2, 1, (len) => (lengths.push(len), mine));
    expect(r.buffer).toBe(mine);
    expect(lengths).toEqual([4]);
    expect(new InputRing('f64', 2, 1, () => null).buffer).toHaveLength(4);
  });

  it('slot flags: only written slots are taken, once each; unflagged rings take every slot', () => {
    const r = new InputRing('f64', 2, 3); // 4 slots
    expect(r.take(0)).toBe(true); // not flagged yet: always deliver
    r.mark(1); // no flags: nothing to record
    expect(r.written).toBeNull();
    r.trackSlots();
    expect(Array.from(r.written!)).toEqual([0, 0, 0, 0]);
    r.mark(5); // slot 1
    expect([0, 1, 2, 3].map((s) => r.take(s))).toEqual([false, true, false, false]);
    expect(r.take(1)).toBe(false); // the flag was cleared by the first take
    r.markAll();
    expect([4, 5, 6, 7].map((s) => r.take(s))).toEqual([true, true, true, true]);
    r.mark(2);
    r.clear();
    expect(r.take(2)).toBe(false);
    const flags = r.written;
    r.trackSlots(); // already flagging: the same flags
    expect(r.written).toBe(flags);
  });

  it('unmark stops the flags for good', () => {
    const r = new InputRing('f64', 2, 3);
    r.trackSlots();
    r.unmark();
    expect(r.written).toBeNull();
    r.trackSlots();
    expect(r.written).toBeNull();
    expect([0, 1, 2, 3].map((s) => r.take(s))).toEqual([true, true, true, true]);
  });

  it('touched lists: allocated on track (from the caller when it can), dropped for good on untrack', () => {
    const lists = new Int32Array(8);
    const r = new InputRing('f64', 2, 3, undefined, (len) => (len === 8 ? lists : null));
    expect(r.touched).toBeNull();
    r.track();
    expect(r.touched).toBe(lists);
    expect(Array.from(r.touchedCount!)).toEqual([0, 0, 0, 0]);
    r.touchedCount![2] = 1;
    r.track(); // already tracking: nothing reallocated or reset
    expect(r.touchedCount![2]).toBe(1);
    r.clear();
    expect(r.touchedCount![2]).toBe(0);
    r.untrack();
    expect(r.touched).toBeNull();
    expect(r.touchedCount).toBeNull();
    r.track();
    expect(r.touched).toBeNull();
    const own = new InputRing('f64', 3, 1, undefined, () => null);
    own.track();
    expect(own.touched).toHaveLength(6);
  });

  it('clear zeroes every slot; restore copies a buffer back, flags every slot and stops tracking', () => {
    const r = new InputRing('f64', 2, 1);
    r.buffer.set([1, 2, 3, 4]);
    r.clear();
    expect(Array.from(r.buffer)).toEqual([0, 0, 0, 0]);
    r.trackSlots();
    r.track();
    r.restore([5, 6, 7, 8]);
    expect(Array.from(r.buffer)).toEqual([5, 6, 7, 8]);
    expect(Array.from(r.written!)).toEqual([1, 1]);
    expect(r.touched).toBeNull();
    r.track();
    expect(r.touched).toBeNull();
    // a ring that never flagged slots restores too, and stays unflagged
    const plain = new InputRing('f64', 2, 1);
    plain.restore([1, 1, 1, 1]);
    expect(plain.written).toBeNull();
    expect(Array.from(plain.buffer)).toEqual([1, 1, 1, 1]);
  });
});
