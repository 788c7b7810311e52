import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.js';

describe('EventQueue', () => {
  it('pops random events in (time, priority, insertion) order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 3 })), { maxLength: 300 }),
        (events) => {
          const q = new EventQueue<number>();
          events.forEach(([t, p], k) => q.push(t / 4, p, k));
          const popped: number[] = [];
          while (q.size > 0) popped.push(q.pop()!.payload);
          const expected = events
            .map(([t, p], k) => ({ t: t / 4, p, k }))
            .sort((a, b) => a.t - b.t || a.p - b.p || a.k - b.k)
            .map((e) => e.k);
          expect(popped).toEqual(expected);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it('reports +Infinity as the next time when empty', () => {
    const q = new EventQueue<string>();
    expect(q.peekTime()).toBe(Infinity);
    q.push(3, 0, 'a');
    expect(q.peekTime()).toBe(3);
  });
});
