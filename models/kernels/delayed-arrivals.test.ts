/**
 * DelayedArrivals on its own: the grouping of synapses by (pre neuron, delay), the ring of recent
 * pre spikes, the arrival walk (delivery only, potentiation clipped from above, depression clipped
 * from below), the bytes it needs in a kernel memory, and its saved state.
 */
import { describe, expect, it } from 'vitest';
import { RngStream } from '../../engine/rng.js';
import { Network } from '../network.js';
import { DenseProjection } from '../projection.js';
import { fakePopulation } from '../../test/helpers/run-network.js';
import { DelayedArrivals, type ArrivalStorage } from './delayed-arrivals.js';

function projection(m: number, n: number, delaySteps: number | null, delays: Uint16Array | null): DenseProjection {
  const net = new Network(0.5, 'f64');
  const pre = net.addPopulation(fakePopulation('pre', m));
  const post = net.addPopulation(fakePopulation('post', n));
  return new DenseProjection('pre->post', pre, post, 'exc', new Float64Array(m * n), delaySteps, delays);
}

/** A storage that hands out zeroed arrays from one buffer, each 16-byte aligned, and counts the bytes. */
function arena(bytes: number): ArrivalStorage & { used: number; buffer: ArrayBuffer } {
  const buffer = new ArrayBuffer(bytes);
  const s = {
    used: 0,
    buffer,
    take(len: number) {
      const at = s.used;
      s.used = (at + len + 15) & ~15;
      if (s.used > bytes) throw new Error(`arena of ${bytes} bytes overflows`);
      return at;
    },
    i32: (length: number) => new Int32Array(buffer, s.take(4 * length), length),
    u16: (length: number) => new Uint16Array(buffer, s.take(2 * length), length),
  };
  return s;
}

describe('DelayedArrivals', () => {
  it('groups each pre neuron’s synapses by delay (CSR over (j, d)), posts ascending within a group', () => {
    // m = 2, n = 3; delays row-major [j·n + i].
    const delays = Uint16Array.of(2, 0, 2, 1, 1, 0);
    const a = new DelayedArrivals(projection(2, 3, null, delays));
    expect(a.maxDelay).toBe(2);
    expect(a.G).toBe(3);
    const groups: number[][] = [];
    for (let g = 0; g < 2 * 3; g++) groups.push(Array.from(a.groupPost.subarray(a.groupPtr[g]!, a.groupPtr[g + 1]!)));
    // (j=0: d=0 → [1], d=1 → [], d=2 → [0, 2]), (j=1: d=0 → [2], d=1 → [0, 1], d=2 → [])
    expect(groups).toEqual([[1], [], [0, 2], [2], [0, 1], []]);
    expect(a.groupPtr[6]).toBe(6);
  });

  it('a uniform delay groups whole rows under that delay; groups: false builds none', () => {
    const a = new DelayedArrivals(projection(2, 2, 3, null));
    expect(a.maxDelay).toBe(3);
    expect(Array.from(a.groupPtr)).toEqual([0, 0, 0, 0, 2, 2, 2, 2, 4]);
    expect(Array.from(a.groupPost)).toEqual([0, 1, 0, 1]);
    const b = new DelayedArrivals(projection(2, 2, null, Uint16Array.of(1, 0, 0, 1)), { groups: false });
    expect(b.groupPost.length).toBe(0);
    expect(Array.from(b.groupPtr)).toEqual(new Array(2 * 2 + 1).fill(0));
  });

  it('bytesFor is exactly what the constructor takes from a 16-byte-aligned storage', () => {
    const rng = RngStream.derive(5, 'delayed-arrivals-bytes');
    for (const [m, n, D] of [[1, 1, 0], [3, 5, 4], [7, 2, 9], [4, 9, 1]] as const) {
      const delays = Uint16Array.from({ length: m * n }, () => Math.floor(rng.uniform() * (D + 1)));
      delays[0] = D;
      const need = DelayedArrivals.bytesFor(m, n, D);
      const s = arena(need);
      const a = new DelayedArrivals(projection(m, n, null, delays), { storage: s });
      expect(s.used).toBe(need);
      expect(a.groupPost).toBeInstanceOf(Uint16Array);
      expect(a.histIds.buffer).toBe(s.buffer);
      // The arrays start zeroed except the steps, which start at "never".
      expect(Array.from(a.histCount)).toEqual(new Array(D + 1).fill(0));
      expect(Math.max(...a.histStep)).toBeLessThan(-1e9);
    }
  });

  it('records spikes in the ring and finds the slot of the spikes emitted d steps ago', () => {
    const a = new DelayedArrivals(projection(4, 1, 2, null));
    expect(a.slotOf(0, 0)).toBe(-1); // nothing recorded yet
    a.record(5, Int32Array.of(3, 1, 9), 2); // only the first two ids count
    expect(a.slotOf(5, 0)).toBe(5 % 3);
    expect(a.slotOf(7, 2)).toBe(5 % 3);
    expect(a.slotOf(6, 0)).toBe(-1);
    expect(Array.from(a.histIds.subarray(2 * 4, 2 * 4 + 2))).toEqual([3, 1]);
    expect(a.histCount[2]).toBe(2);
    a.record(6, new Int32Array(0), 0);
    expect(a.slotOf(6, 0)).toBe(-1); // recorded, but no spike
    a.record(8, Int32Array.of(0), 1); // overwrites the slot of step 5
    expect(a.slotOf(7, 2)).toBe(-1);
    expect(a.slotOf(8, 0)).toBe(2);
  });

  it('recording a step in which every pre neuron fired leaves the next slot alone', () => {
    // m = 2, D = 1 (two slots): step 1's spike [1] must still be there when step 2 records [0, 1].
    const a = new DelayedArrivals(projection(2, 1, 1, null));
    a.record(1, Int32Array.of(1, 0), 1);
    a.record(2, Int32Array.of(0, 1), 2); // the spike buffer of a 2-neuron population: exactly 2 ids
    expect(a.slotOf(2, 1)).toBe(1);
    expect(Array.from(a.histIds.subarray(2, 3))).toEqual([1]);
    expect(Array.from(a.histIds.subarray(0, 2))).toEqual([0, 1]);
  });

  it('deliverArrivals: delivery alone, potentiation clipped from above, depression clipped from below', () => {
    // m = 2, n = 3, delays: j = 0 → (0, 1, 1), j = 1 → (1, 0, 1)
    const proj = projection(2, 3, null, Uint16Array.of(0, 1, 1, 1, 0, 1));
    const w0 = [0.5, 0.9, 0.2, 0.3, 0.05, 0.7];
    const trace = Float64Array.of(2, 3, 5);
    const run = (learn: boolean, c: number, bound: number, upper: boolean) => {
      const a = new DelayedArrivals(proj);
      const w = Float64Array.from(w0);
      const buf = new Float64Array(8).fill(1);
      const any: boolean[] = [];
      a.record(0, Int32Array.of(0, 1), 2);
      any.push(a.deliverArrivals(0, w, buf, 2, learn, c, trace, bound, upper));
      const first = Array.from(buf);
      buf.fill(1);
      a.record(1, new Int32Array(0), 0);
      any.push(a.deliverArrivals(1, w, buf, 2, learn, c, trace, bound, upper));
      const second = Array.from(buf);
      a.record(2, new Int32Array(0), 0);
      any.push(a.deliverArrivals(2, w, buf, 2, learn, c, trace, bound, upper));
      return { w: Array.from(w), first, second, any };
    };
    // Step 0: (0,0) and (1,1) arrive; step 1: (0,1), (0,2), (1,0), (1,2); step 2: nothing.
    const plain = run(false, 0.1, 0.8, true);
    expect(plain.w).toEqual(w0);
    expect(plain.first).toEqual([1, 1, 1 + 0.5, 1 + 0.05, 1, 1, 1, 1]);
    expect(plain.second).toEqual([1, 1, 1 + 0.3, 1 + 0.9, 1 + 0.2 + 0.7, 1, 1, 1]);
    expect(plain.any).toEqual([true, true, false]);
    const up = run(true, 0.1, 0.8, true);
    // w + 0.1·trace[i], at most 0.8 (the delivered value is the weight before the update)
    expect(up.w).toEqual(w0.map((x, k) => Math.min(x + 0.1 * trace[k % 3]!, 0.8)));
    expect(up.first).toEqual(plain.first);
    expect(up.second).toEqual(plain.second);
    const down = run(true, -0.1, 0, false);
    expect(down.w).toEqual(w0.map((x, k) => Math.max(x - 0.1 * trace[k % 3]!, 0)));
    expect(down.w.filter((x) => x === 0).length).toBe(2);
    expect(down.second).toEqual(plain.second);
  });

  it('saveState / loadState round trip (as float64 arrays)', () => {
    const a = new DelayedArrivals(projection(3, 2, 2, null));
    a.record(0, Int32Array.of(2), 1);
    a.record(1, Int32Array.of(0, 1), 2);
    const s = a.saveState();
    expect(Object.keys(s).sort()).toEqual(['histCount', 'histIds', 'histStep']);
    expect(s.histIds).toBeInstanceOf(Float64Array);
    const b = new DelayedArrivals(projection(3, 2, 2, null));
    b.loadState(s);
    expect(Array.from(b.histIds)).toEqual(Array.from(a.histIds));
    expect(Array.from(b.histCount)).toEqual(Array.from(a.histCount));
    expect(Array.from(b.histStep)).toEqual(Array.from(a.histStep));
    // A copy: recording more into `a` leaves the saved state as it was.
    a.record(2, Int32Array.of(1), 1);
    expect(Array.from(s.histStep)).toEqual(Array.from(b.histStep));
  });
});
