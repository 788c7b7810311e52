/**
 * A plastic projection's kernel memory (plastic-memory.ts), as the network's kernel device hands it
 * out: the reservation `bytesFor` holds exactly what the projection and its rules take from it (the
 * weights, the scaling scratch, two trace vectors, the arrival bookkeeping only with delays), the
 * arrival kernel's 16-bit post ids bound the bookkeeping to n ≤ 65 535, and `holds` tells views of
 * this memory from any other array.
 */
import { describe, expect, it } from 'vitest';
import { needAll, WASM_SIMD } from '../../test/helpers/requirement.js';
import { DelayedArrivals } from './delayed-arrivals.js';
import { KernelDevice } from './device.js';
import { PlasticMemory } from './plastic-memory.js';

const device = () => new KernelDevice('wasm');

describe('plastic kernel memory', () => {
  needAll(WASM_SIMD);

  for (const [m, n, D] of [[3, 5, 0], [4, 7, 0], [2, 3, 4], [5, 8, 2]] as const) {
    it(`m = ${m}, n = ${n}, delays up to ${D}: the reservation holds the weights, the scratch, two traces${D > 0 ? ' and the arrival bookkeeping' : ''}, and no more`, () => {
      // In a population's reservation of exactly bytesFor bytes (the population is n neurons).
      const host = device().lifMemory(n, PlasticMemory.bytesFor(m, n, D))!;
      const placed = device().plasticMemory(host, m, n, D)!;
      expect(placed.inputRing).toBeNull();
      const mem = placed.memory;
      expect(mem.memory).toBe(host.memory);
      expect(mem.holds(mem.weights)).toBe(true);
      expect(mem.weights.length).toBe(m * n);
      expect(Array.from(mem.weights)).toEqual(new Array(m * n).fill(0));
      const traces = [mem.f64(n), mem.f64(n)];
      for (const t of traces) {
        expect(t).not.toBeNull();
        expect(mem.holds(t!)).toBe(true);
      }
      if (D > 0) {
        const storage = mem.arrivalStorage(D);
        expect(storage).not.toBeNull();
        // DelayedArrivals lays its arrays out in exactly that storage.
        expect(storage!.limit - storage!.tryTake(DelayedArrivals.bytesFor(m, n, D))!).toBe(DelayedArrivals.bytesFor(m, n, D));
      }
      // Nothing else of any size fits (16 bytes of alignment slack at most).
      expect(mem.f64(3)).toBeNull();
      expect(mem.arrivalStorage(Math.max(D, 1))).toBeNull();
      // Arrays elsewhere are not this memory's.
      expect(mem.holds(new Float64Array(n))).toBe(false);
      expect(mem.holds(device().plasticMemory(null, m, n, D)!.memory.weights)).toBe(false);
    });
  }

  it('keeps no arrival bookkeeping for more than 65 535 post neurons (the kernel stores their ids in 16 bits)', () => {
    const small = device().plasticMemory(null, 1, 0xffff, 1)!.memory;
    expect(small.arrivalStorage(1)).not.toBeNull();
    const large = device().plasticMemory(null, 1, 0x10000, 1)!.memory;
    expect(large.n).toBe(0x10000);
    expect(large.arrivalStorage(1)).toBeNull();
  });
});
