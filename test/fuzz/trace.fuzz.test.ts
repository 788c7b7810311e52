/**
 * The native trace reader and `snn inspect`'s streaming statistics (io/trace-stats.ts) on hostile
 * input. io/trace-reader.test.ts already mutates bytes of a valid trace for readTrace; this adds
 * (1) random bytes behind a valid preamble, (2) records with a correct frame and CRC whose
 * content is wrong — which no checksum can catch — and (3) the summarizeTrace path, with and
 * without allowPartial. Outcome: a correct result or an SnnError.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePreamble, encodeRecord, makeHeader } from '../../io/trace-format.js';
import { readTrace, type TraceData } from '../../io/trace-reader.js';
import { SpikeStatsAccumulator, summarizeTrace, type TraceSummary } from '../../io/trace-stats.js';
import { TraceWriter } from '../../io/trace-writer.js';
import { byteMutation, fuzzParams, mutateBytes, survives, u32le } from './fuzz-helpers.js';

let dir: string;
let valid: Buffer;
let k = 0;
const header = () => makeHeader({ dt: 0.5, mode: 'clock', populations: [{ name: 'a', size: 5 }, { name: 'b', size: 3 }], seed: 1, descriptionHash: '0'.repeat(64), snnVersion: 'fuzz' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'snn-trace-fuzz-'));
  const p = join(dir, 'valid.snntrace');
  const w = TraceWriter.open(p, header(), { chunkSpikes: 4 });
  w.writeSpikes(0, Float64Array.of(0, 0.5, 1, 1, 2, 3), Int32Array.of(0, 4, 1, 2, 3, 0));
  w.writeSpikes(1, Float64Array.of(0.5, 2.5), Int32Array.of(2, 1));
  w.writeState(0, 'v', Int32Array.of(0, 3), Float64Array.of(0, 0.5), Float64Array.of(-65, -64, -63, -62));
  w.close({ tStop: 4 });
  valid = readFileSync(p);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function correctData(d: TraceData): void {
  expect(d.populations.length).toBe(d.header.populations.length);
  d.populations.forEach((p, i) => {
    expect(p.times.length).toBe(p.ids.length);
    for (const id of p.ids) expect(id >= 0 && id < d.header.populations[i]!.size).toBe(true);
  });
}

function correctSummary(s: TraceSummary): void {
  for (const p of s.populations) {
    expect(p.spikes).toBeGreaterThanOrEqual(0);
    expect(p.activeNeurons).toBeLessThanOrEqual(p.size);
  }
}

/** Every reading path on the same bytes. */
function readAll(bytes: Uint8Array): void {
  const p = join(dir, `f${k++ % 8}.snntrace`);
  writeFileSync(p, bytes);
  for (const allowPartial of [false, true]) {
    survives(() => readTrace(p, { allowPartial }), correctData);
    survives(() => summarizeTrace(p, { allowPartial }), correctSummary);
  }
}

const frame = (value: unknown) => Buffer.concat(encodeRecord(value as object).map((b) => Buffer.from(b)));

/** Chunk-like values: right keys, wrong or random contents. */
const typed = fc.oneof(
  fc.array(fc.double(), { maxLength: 6 }).map((a) => Float64Array.from(a)),
  fc.array(fc.integer({ min: -3, max: 10 }), { maxLength: 6 }).map((a) => Int32Array.from(a)),
  fc.array(fc.float({ noDefaultInfinity: false }), { maxLength: 6 }).map((a) => Float32Array.from(a)),
);
const fieldValue = fc.oneof(typed, fc.jsonValue({ maxDepth: 1 }), fc.integer({ min: -2, max: 8 }));
const chunkLike = fc.record(
  {
    kind: fc.constantFrom('spikes', 'state', 'end', 'other'),
    seq: fc.integer({ min: -1, max: 4 }),
    pop: fc.integer({ min: -1, max: 3 }),
    times: fieldValue,
    ids: fieldValue,
    variable: fc.oneof(fc.constant('v'), fc.string({ maxLength: 3 }), fc.integer()),
    neurons: fieldValue,
    values: fieldValue,
    chunks: fc.integer({ min: -1, max: 5 }),
    spikes: fc.oneof(fc.array(fc.nat({ max: 10 }), { maxLength: 3 }), fieldValue),
    tStop: fc.oneof(fc.constant(null), fc.double(), fc.string()),
  },
  { requiredKeys: ['kind'] },
);

describe('trace reader fuzz', () => {
  it('the valid trace reads', () => {
    expect(survives(() => readTrace(join(dir, 'valid.snntrace')), correctData)).toBe('ok');
    expect(survives(() => summarizeTrace(join(dir, 'valid.snntrace')), correctSummary)).toBe('ok');
  });

  it('regression: a header declaring 2^31 − 1 neurons is inspected without allocating for them', () => {
    const h = { ...header(), populations: [{ name: 'a', size: 0x7fffffff }, { name: 'b', size: 0x7ffffffe }] };
    const spikes = { kind: 'spikes', seq: 0, pop: 0, times: Float64Array.of(0, 1, 2, 4), ids: Int32Array.of(0x7ffffffe, 5, 0x7ffffffe, 0x7ffffffe) };
    const end = { kind: 'end', chunks: 1, spikes: [4, 0], tStop: 5 };
    const p = join(dir, 'huge.snntrace');
    writeFileSync(p, Buffer.concat([encodePreamble(), frame(h), frame(spikes), frame(end)]));
    const s = summarizeTrace(p);
    expect(s.populations[0]).toMatchObject({ spikes: 4, activeNeurons: 2, cvNeurons: 1, firstSpike: 0, lastSpike: 4 });
    expect(s.populations[0]!.cvIsi).toBe(0); // neuron 2^31 − 2 fires at 0, 2, 4: ISIs 2, 2
  });

  it('statistics of a large population (sparse) equal those of a small one (dense)', () => {
    const times = Float64Array.from({ length: 5000 }, (_, i) => i * 0.1);
    const ids = Int32Array.from({ length: 5000 }, (_, i) => (i * 7919) % 3000);
    const dense = new SpikeStatsAccumulator(3000);
    const sparse = new SpikeStatsAccumulator((1 << 22) + 1);
    for (let c = 0; c < 5000; c += 700) {
      dense.add(times.subarray(c, c + 700), ids.subarray(c, c + 700));
      sparse.add(times.subarray(c, c + 700), ids.subarray(c, c + 700));
    }
    const { size: _a, meanRateHz: _b, ...d } = dense.result('x', 500);
    const { size: _c, meanRateHz: _d, ...s } = sparse.result('x', 500);
    expect(s).toEqual(d);
  });

  it('random bytes behind a valid preamble → data or SnnError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => readAll(Buffer.concat([encodePreamble(), b]))), fuzzParams(401, 150));
  });

  it('frames declaring huge lengths are refused without allocating them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ maxLength: 64 }), fc.boolean(), (len, rest, afterHeader) => {
        const head = afterHeader ? Buffer.concat([encodePreamble(), frame(header())]) : encodePreamble();
        readAll(Buffer.concat([head, u32le(len), u32le(0), rest]));
      }),
      fuzzParams(402, 150),
    );
  });

  it('well-framed records with wrong contents (correct CRC) → data or SnnError', () => {
    fc.assert(
      fc.property(fc.array(chunkLike, { minLength: 1, maxLength: 4 }), (records) => {
        readAll(Buffer.concat([encodePreamble(), frame(header()), ...records.map(frame)]));
      }),
      fuzzParams(403, 400),
    );
  });

  it('well-framed headers with wrong contents → SnnError', () => {
    const headerLike = fc.record({
      format: fc.constantFrom('snn-trace', 'x'),
      version: fc.integer({ min: 0, max: 2 }),
      dt: fc.oneof(fc.constant(null), fc.double()),
      mode: fc.constantFrom('clock', 'exact', 'x'),
      populations: fc.oneof(fc.array(fc.record({ name: fc.string({ maxLength: 3 }), size: fc.oneof(fc.integer({ min: -1, max: 2 ** 31 }), fc.double()) }), { maxLength: 3 }), fieldValue),
      seed: fc.oneof(fc.nat(), fc.double()),
      descriptionHash: fc.constantFrom('0'.repeat(64), 'x'),
      snnVersion: fc.oneof(fc.string(), fc.integer()),
      createdAt: fc.string(),
    });
    fc.assert(fc.property(headerLike, fc.array(chunkLike, { maxLength: 2 }), (h, records) => readAll(Buffer.concat([encodePreamble(), frame(h), ...records.map(frame)]))), fuzzParams(404, 300));
  });

  it('damaged valid traces through summarizeTrace (the inspect path) → statistics or SnnError', () => {
    fc.assert(fc.property(byteMutation(valid.length), (m) => readAll(mutateBytes(valid, m))), fuzzParams(405, 300));
  });
});
