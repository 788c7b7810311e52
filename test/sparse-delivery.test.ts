/**
 * Tracked (sparse) ring delivery, with unwritten slots skipped (slot flags), against the full scan
 * of every slot: the same spikes and state, bit for bit, on every backend; anyone who takes a ring
 * to write into it switches tracking and slot flags off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kernelBackend, setKernelBackend, type KernelBackend } from '../engine/backend.js';
import { wasmSimdAvailable } from '../engine/kernels/kernel-sets.js';
import { MemorySink } from '../engine/recorder-sink.js';
import { buildNetwork, resolveSettings } from '../models/build-network.js';
import { parseDescription, type NetworkDescription } from '../models/description.js';
import type { LifPopulation } from '../models/lif-population.js';
import type { Network } from '../models/network.js';
import { cubaDescription } from '../models/zoo/cuba.js';

const initial = kernelBackend();
afterAll(() => setKernelBackend(initial));

function run(desc: NetworkDescription, backend: KernelBackend, untrack: boolean): { net: Network; bytes: Buffer } {
  setKernelBackend(backend);
  const d = parseDescription(desc);
  const net = buildNetwork(d, resolveSettings(d));
  if (untrack) for (const p of net.populations) for (const c of p.channels) net.ring(p.name, c);
  const sink = new MemorySink();
  for (const p of net.populations) net.recordSpikes(p.name, sink);
  net.run(d.duration!);
  net.flushRecorders();
  const parts: Buffer[] = [];
  net.populations.forEach((p, k) => {
    const s = sink.spikes(k);
    parts.push(Buffer.from(s.times.buffer), Buffer.from(s.ids.buffer));
    if (p.kind === 'lif') parts.push(Buffer.from(Float64Array.from((p as LifPopulation).v).buffer));
  });
  return { net, bytes: Buffer.concat(parts) };
}

const mixed: NetworkDescription = {
  dt: 0.1,
  duration: 300,
  seed: 9,
  populations: [
    { name: 'in', model: 'poisson', size: 60, rates: 40 },
    { name: 'd', model: 'lif', size: 50, v0: { uniform: [-65, -52] }, params: { vThresh: -52, refractory: 2 } },
    { name: 'c', model: 'lif', size: 51, v0: { uniform: [-65, -52] }, params: { vThresh: -52, refractory: 2, synapse: 'current' } },
  ],
  projections: [
    { from: 'in', to: 'd', channel: 'v', connectivity: { probability: 0.3 }, weights: { uniform: [0, 3] }, delay: { uniform: [0, 2] } },
    { from: 'd', to: 'd', channel: 'v', connectivity: 'one-to-one', weights: -1, delay: 0.3 },
    { from: 'in', to: 'c', channel: 'exc', connectivity: { probability: 0.3 }, weights: { uniform: [0, 6] }, delay: 0.4 },
    { from: 'd', to: 'c', channel: 'inh', connectivity: { probability: 0.5 }, weights: -2, delay: 0 },
  ],
};

const backends: KernelBackend[] = wasmSimdAvailable() ? ['js', 'wasm'] : ['js'];

describe('sparse (tracked) delivery', () => {
  for (const backend of backends) {
    it(`CUBA and a delta/current mix with per-synapse delays: identical to the full scan (${backend})`, () => {
      for (const desc of [cubaDescription({ neurons: 600, duration: 300, seed: 2 }), mixed]) {
        const tracked = run(desc, backend, false);
        expect(tracked.net.projections.every((p) => p.tracksWrites)).toBe(true);
        const scanned = run(desc, backend, true);
        expect(tracked.bytes.length).toBeGreaterThan(1000);
        expect(tracked.bytes.equals(scanned.bytes)).toBe(true);
      }
    });
  }

  it('inputs that cancel exactly (repeated listings) overflow the list: tracking stops, results unchanged', () => {
    const spikes = Array.from({ length: 10 }, (_, i) => [1, i] as [number, number]).concat(Array.from({ length: 10 }, (_, i) => [2.5, i] as [number, number]));
    const desc: NetworkDescription = {
      dt: 0.1,
      duration: 5,
      populations: [
        { name: 'src', model: 'spike-source-array', size: 10, spikes },
        { name: 'out', model: 'lif', size: 2, params: { synapse: 'current', vRest: -60, vThresh: -50 } },
      ],
      projections: [
        {
          from: 'src',
          to: 'out',
          channel: 'exc',
          connectivity: { pairs: Array.from({ length: 20 }, (_, k) => [k >> 1, k & 1] as [number, number]) },
          weights: Array.from({ length: 20 }, (_, k) => ((k >> 1) % 2 === 0 ? 3 : -3)),
        },
      ],
    };
    for (const backend of backends) {
      const tracked = run(desc, backend, false);
      const scanned = run(desc, backend, true);
      // The ring overflowed and stopped tracking by itself (read it without Network.ring, which untracks).
      expect((tracked.net.projections[0] as unknown as { ring: { touched: unknown } }).ring.touched).toBeNull();
      expect(tracked.bytes.equals(scanned.bytes)).toBe(true);
    }
  });

  it('a ring handed out through Projection.ringBuffer or Network.ring stops tracking', () => {
    const d = parseDescription(mixed);
    const net = buildNetwork(d, resolveSettings(d));
    const proj = net.projections.find((p) => p.channel === 'exc')!;
    expect(net.inputRing('c', 'exc')!.written).not.toBeNull();
    expect(net.ring('c', 'inh')!.touched).toBeNull();
    expect(net.inputRing('c', 'inh')!.written).toBeNull();
    const ring = (proj as unknown as { ringBuffer: { touched: unknown; written: unknown } }).ringBuffer;
    expect(ring.touched).toBeNull();
    expect(ring.written).toBeNull();
  });

  it('slot flags: a slot is delivered only after a write into it; clear and restore keep them right', () => {
    const d = parseDescription(mixed);
    const net = buildNetwork(d, resolveSettings(d));
    const ring = net.inputRing('c', 'exc')!;
    expect(ring.take(3)).toBe(false);
    ring.mark(3 + ring.slots);
    expect(ring.take(3)).toBe(true);
    expect(ring.take(3)).toBe(false);
    ring.mark(5);
    ring.clear();
    expect(ring.take(5)).toBe(false);
    ring.restore(new Float64Array(ring.buffer.length));
    for (let s = 0; s < ring.slots; s++) expect(ring.take(s)).toBe(true);
    expect(ring.touched).toBeNull();
  });
});
