/**
 * write → our reader → the same spikes, for every registered format, at the format's resolution:
 * µs for AEDAT and Tonic npy, the dt grid for Lava, exact float64 for CSV / JSON / plain npy, and for
 * NWB / NIRData the exact seconds value t/1000 (read back as (t/1000)·1000, within 1 ulp of t).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { registerBuiltinFormats } from './register-all.js';
import { getFormat } from './registry.js';
import type { FormatOptions } from './format-options.js';
import type { SpikeData } from './spike-data.js';
import { canonical, flatCanonical, sampleData, tempDir, toMicroseconds, type CanonicalPopulation } from './test-fixtures.js';
import { stepIndex } from './lava.js';

registerBuiltinFormats();

/** Random valid SpikeData: 1–3 populations, off-grid times in [0, maxMs). */
function arbSpikeData(opts: { maxSize?: number; maxSpikes?: number; maxMs?: number; names?: boolean } = {}): fc.Arbitrary<SpikeData> {
  const maxSize = opts.maxSize ?? 200;
  const maxMs = opts.maxMs ?? 1000;
  const pop = fc.integer({ min: 1, max: maxSize }).chain((size) =>
    fc
      .array(fc.tuple(fc.double({ min: 0, max: maxMs, noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: size - 1 })), { maxLength: opts.maxSpikes ?? 40 })
      .map((pairs) => ({ size, times: Float64Array.from(pairs, (p) => Math.abs(p[0])), ids: Int32Array.from(pairs, (p) => p[1]) })),
  );
  return fc.array(pop, { minLength: 1, maxLength: 3 }).map((pops) => ({
    populations: pops.map((p, i) => ({ name: opts.names === false ? 'events' : `pop${i}`, ...p })),
    dt: null,
    durationMs: maxMs,
  }));
}
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const viaSeconds = (t: number) => (t / 1000) * 1000;

interface Case {
  format: string;
  file: string;
  opts?: FormatOptions;
  expected: (d: SpikeData) => CanonicalPopulation[];
  /** Compare sizes too (CSV infers them from the largest id). */
  sizes?: boolean;
  runs?: number;
  /** Compare populations sorted by name. */
  byName?: boolean;
}

const cases: Case[] = [
  { format: 'aedat2', file: 'a.aedat', opts: { width: 128 }, expected: (d) => canonical(d, toMicroseconds) },
  { format: 'aedat2', file: 'davis.aedat', opts: { width: 300, layout: 'davis', polarity: 'id-parity' }, expected: (d) => canonical(d, toMicroseconds) },
  { format: 'aedat4', file: 'a.aedat4', expected: (d) => canonical(d, toMicroseconds) },
  { format: 'aedat4', file: 'lz4.aedat4', opts: { compression: 'lz4', packetSize: 7, polarity: 'off' }, expected: (d) => canonical(d, toMicroseconds) },
  // npy holds no population table: sizes are inferred from the largest id.
  { format: 'npy', file: 'tonic.npy', opts: { width: 64 }, expected: (d) => flatCanonical(d, toMicroseconds), sizes: false },
  { format: 'npy', file: 'plain.npy', opts: { variant: 'plain' }, expected: (d) => flatCanonical(d), sizes: false },
  // CSV lists populations in order of their first spike and cannot hold silent ones.
  { format: 'csv', file: 'a.csv', expected: (d) => canonical(d).filter((p) => p.spikes.length > 0), sizes: false, byName: true },
  { format: 'spikesourcearray', file: 'a.json', expected: (d) => canonical(d) },
  { format: 'nirdata', file: 'a.nirdata.h5', expected: (d) => canonical(d, viaSeconds), runs: 15 },
  { format: 'nwb', file: 'a.nwb', expected: (d) => canonical(d, viaSeconds), runs: 15 },
  {
    format: 'lava',
    file: 'a.lava.npy',
    opts: { dt: 0.5 },
    // Several spikes of one neuron in one step collapse to one 1.0.
    expected: (d) => {
      const [p] = flatCanonical(d, (t) => stepIndex(t, 0.5) * 0.5);
      const seen = new Set<string>();
      return [{ ...p!, spikes: p!.spikes.filter(([t, id]) => !seen.has(`${t}/${id}`) && !!seen.add(`${t}/${id}`)) }];
    },
    runs: 25,
  },
];

function strip(c: CanonicalPopulation[], sizes: boolean, byName = false) {
  const list = byName ? [...c].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : c;
  return list.map((p) => (sizes ? p : { name: p.name, spikes: p.spikes }));
}

describe.each(cases)('$format round trip ($file)', (c) => {
  const f = getFormat(c.format);
  let n = 0;
  const check = async (data: SpikeData) => {
    const path = tmp.path(`${n++}-${c.file}`);
    await f.write(data, path, c.opts);
    const back = await f.read(path, c.opts);
    expect(strip(canonical(back), c.sizes ?? true, c.byName)).toEqual(strip(c.expected(data), c.sizes ?? true, c.byName));
  };

  it('keeps the sample data', async () => {
    await check(sampleData());
  });

  it('keeps random data (property)', async () => {
    await fc.assert(fc.asyncProperty(arbSpikeData({ maxMs: 500 }), check), { numRuns: c.runs ?? 40 });
  });
});

describe('seconds-based formats', () => {
  it.each(['nirdata', 'nwb'])('%s reads back within 1 ulp of the original ms', async (name) => {
    const f = getFormat(name);
    const data = sampleData();
    data.populations[0]!.times[0] = 1.9999999999999998; // a value ms → s → ms cannot keep exactly
    const path = tmp.path(`ulp-${name}`);
    await f.write(data, path);
    const back = await f.read(path);
    const a = canonical(data)[0]!.spikes;
    const b = canonical(back)[0]!.spikes;
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]![0] - b[i]![0])).toBeLessThanOrEqual(Number.EPSILON * Math.max(1, a[i]![0]));
  });
});

describe('metadata survives where the format has room for it', () => {
  it.each(['aedat2', 'aedat4'])('%s keeps populations, dt and duration', async (name) => {
    const path = tmp.path(`meta-${name}`);
    await getFormat(name).write(sampleData(), path);
    const back = await getFormat(name).read(path);
    expect(back.dt).toBe(0.1);
    expect(back.durationMs).toBe(10);
    expect(back.populations.map((p) => [p.name, p.size])).toEqual([['exc', 300], ['inh', 10]]);
  });
});
