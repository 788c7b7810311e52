import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryArena } from './memory-arena.js';

describe('MemoryArena', () => {
  it('hands out aligned, disjoint views inside its region, and null (or a RangeError) once it is used up', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(8, 16),
        fc.integer({ min: 0, max: 64 }),
        fc.array(fc.record({ kind: fc.constantFrom('f64', 'i32', 'u16'), length: fc.integer({ min: 0, max: 40 }) }), { maxLength: 12 }),
        (alignment, baseUnits, requests) => {
          const memory = new WebAssembly.Memory({ initial: 1 });
          const base = baseUnits * alignment;
          const limit = base + 600;
          const arena = new MemoryArena(memory, base, limit, alignment, 'test');
          const taken: Array<[number, number]> = [];
          for (const { kind, length } of requests) {
            const bytes = length * (kind === 'f64' ? 8 : kind === 'i32' ? 4 : 2);
            const room = limit - (taken.length ? Math.ceil(taken.at(-1)![1] / alignment) * alignment : base);
            const need = Math.ceil(bytes / alignment) * alignment;
            if (need > room) {
              expect(() => arena[kind](length)).toThrow(RangeError);
              expect(arena.tryTake(bytes)).toBeNull();
              continue;
            }
            const view = arena[kind](length);
            expect(view.buffer).toBe(memory.buffer);
            expect(view.length).toBe(length);
            expect(view.byteOffset % alignment).toBe(0);
            expect(view.byteOffset).toBeGreaterThanOrEqual(base);
            expect(view.byteOffset + bytes).toBeLessThanOrEqual(limit);
            for (const [s, e] of taken) expect(view.byteOffset >= e || view.byteOffset + bytes <= s).toBe(true);
            taken.push([view.byteOffset, view.byteOffset + bytes]);
          }
        },
      ),
    );
  });

  it('names its layout in the overflow error', () => {
    const arena = new MemoryArena(new WebAssembly.Memory({ initial: 1 }), 0, 32, 16, 'sym-stdp arrival');
    arena.f64(4);
    expect(() => arena.u16(1)).toThrow('sym-stdp arrival layout overflow');
  });
});
